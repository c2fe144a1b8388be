package dev.ssereplay.broker;

import java.time.Duration;
import java.time.Instant;

/**
 * The times by which a connection's housekeeping decides: when it was created,
 * when its authorization expires, when it was last written to, and since when a
 * write is under way. All are on the {@link System#nanoTime()} scale, and every
 * decision takes the current time from its caller.
 * <p>
 * Thread-safe: the writer records its writes, the housekeeping thread reads them;
 * each time is written by one thread and volatile.
 */
final class ConnectionTimes {

	private final long createdNanos;

	// When the connection's authorization ends; 0 for never.
	private final long expiresAtNanos;

	private volatile long lastWriteNanos;

	// 0 while no write is under way; otherwise odd, so never 0.
	private volatile long writeStartedNanos;

	/**
	 * Creates the times of a connection created now.
	 * @param createdNanos the current time, on the nanoTime scale
	 * @param expiresAt when the connection's authorization ends, or {@code null}
	 * for never
	 */
	ConnectionTimes(long createdNanos, Instant expiresAt) {
		this.createdNanos = createdNanos;
		this.lastWriteNanos = createdNanos;
		this.expiresAtNanos = (expiresAt != null)
				? createdNanos + Duration.between(Instant.now(), expiresAt).toNanos() : 0;
	}

	/**
	 * Whether a connection that was not served yet has waited for it too long.
	 */
	boolean isStartOverdue(long now, Duration startTimeout) {
		return now - this.createdNanos >= startTimeout.toNanos();
	}

	/**
	 * Whether the connection's authorization has ended.
	 */
	boolean isExpired(long now) {
		return this.expiresAtNanos != 0 && now - this.expiresAtNanos >= 0;
	}

	/**
	 * Whether the connection owes a heartbeat: nothing was written to it for the
	 * heartbeat interval.
	 * @param heartbeatNanos the heartbeat interval; 0 disables heartbeats
	 */
	boolean isHeartbeatDue(long now, long heartbeatNanos) {
		return heartbeatNanos > 0 && now - this.lastWriteNanos >= heartbeatNanos;
	}

	/**
	 * Whether a write has been under way for the stall threshold or longer.
	 */
	boolean isStalled(long now, long stallNanos) {
		long writing = this.writeStartedNanos;
		return writing != 0 && now - writing >= stallNanos;
	}

	/**
	 * Records that a write starts.
	 */
	void writeStarted(long now) {
		this.writeStartedNanos = now | 1;
	}

	/**
	 * Records that the write under way returned or failed.
	 */
	void writeEnded() {
		this.writeStartedNanos = 0;
	}

	/**
	 * Records that a write has reached the connection.
	 */
	void written(long now) {
		this.lastWriteNanos = now;
	}

	/**
	 * How long the connection has been open, in milliseconds.
	 */
	long ageMillis(long now) {
		return (now - this.createdNanos) / 1_000_000;
	}

}
