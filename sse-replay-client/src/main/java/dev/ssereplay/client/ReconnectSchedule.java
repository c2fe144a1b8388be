package dev.ssereplay.client;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * When a client reconnects: the base delay (the server's {@code retry:}, capped by
 * the maximum delay, once it sent one), the attempts that failed in a row, which {@link Backoff} doubles the delay
 * for, and the one reconnection that may be waiting on the timer.
 *
 * <p>Not thread-safe: the {@link ConnectionLoop} calls it under its lock, which keeps
 * it in step with which connection is current.
 */
final class ReconnectSchedule {

	private final Backoff backoff;

	private final long backoffResetAfterNanos;

	private final long maxReconnectDelayMillis;

	private long reconnectDelayMillis;

	private int failures;

	// Whether the current connection got its event stream, and when: only a
	// connection that stayed open long enough starts the backoff over.
	private boolean opened;

	private long openedAtNanos;

	private ScheduledFuture<?> pending;

	// Tells a reconnection task that fires late that it was cancelled or replaced.
	private long generation;

	ReconnectSchedule(Duration reconnectDelay, Duration maxReconnectDelay, double jitter,
			Duration backoffResetAfter) {
		this.maxReconnectDelayMillis = millis(maxReconnectDelay);
		this.backoff = new Backoff(this.maxReconnectDelayMillis, jitter);
		this.backoffResetAfterNanos = Connection.nanos(backoffResetAfter);
		this.reconnectDelayMillis = millis(reconnectDelay);
	}

	/**
	 * Returns the attempts that failed in a row, which the next delay doubles for.
	 */
	int failures() {
		return this.failures;
	}

	/**
	 * Returns the base reconnection delay: the server's {@code retry:}, capped by the
	 * maximum delay, once it sent one.
	 */
	long reconnectDelayMillis() {
		return this.reconnectDelayMillis;
	}

	void serverRetry(long millis) {
		// A server, or anything between it and the client, must not be able to park
		// the client for years with one field.
		this.reconnectDelayMillis = Math.min(millis, this.maxReconnectDelayMillis);
	}

	void opened() {
		this.opened = true;
		this.openedAtNanos = System.nanoTime();
	}

	/**
	 * Schedules the next attempt after the backoff delay for the failures in a row,
	 * which start over when the connection that just ended stayed open long enough.
	 * The attempt scheduled counts as one more failure until it stays open as long.
	 * @param reconnect runs on the timer thread with the ticket to {@link #claim}
	 * @return whether the next attempt was scheduled; {@code false} when there is no
	 * delay, and the caller connects at once
	 */
	boolean scheduleNext(LongConsumer reconnect) {
		if (this.opened && System.nanoTime() - this.openedAtNanos >= this.backoffResetAfterNanos) {
			this.failures = 0;
		}
		this.opened = false;
		long delay = this.backoff.delayMillis(this.reconnectDelayMillis, this.failures);
		this.failures = (this.failures == Integer.MAX_VALUE) ? this.failures : this.failures + 1;
		if (delay <= 0) {
			return false;
		}
		long ticket = ++this.generation;
		this.pending = Timers.scheduler().schedule(() -> reconnect.accept(ticket), delay, TimeUnit.MILLISECONDS);
		return true;
	}

	/**
	 * Takes the scheduled reconnection when it is still the pending one.
	 * @param ticket what the reconnection task was given
	 * @return whether the task may connect
	 */
	boolean claim(long ticket) {
		if (ticket != this.generation) {
			return false;
		}
		this.pending = null;
		return true;
	}

	void cancel() {
		this.generation++;
		if (this.pending != null) {
			this.pending.cancel(false);
			this.pending = null;
		}
	}

	/**
	 * Cancels the pending reconnection and forgets the failures, for a reconnection
	 * that is asked for rather than caused by one.
	 */
	void startOver() {
		this.failures = 0;
		this.opened = false;
		cancel();
	}

	private static long millis(Duration duration) {
		try {
			return duration.toMillis();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
