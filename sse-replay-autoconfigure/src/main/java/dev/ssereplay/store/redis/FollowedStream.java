package dev.ssereplay.store.redis;

import java.util.concurrent.atomic.AtomicReference;

import dev.ssereplay.event.EventId;

/**
 * What the live path delivered for one followed stream, and when its keys
 * were last known to be kept alive. {@link #received}, {@link #appended},
 * {@link #read} and {@link #touchAgain} may be called from any thread; the
 * others from one thread at a time, the housekeeping thread's. Kept by the
 * {@link RedisLiveFeed} for each stream it follows.
 */
final class FollowedStream {

	private static final long NEVER = Long.MIN_VALUE;

	private final AtomicReference<EventId> newest;

	// When this process last saw an append's live message arrive, or NEVER.
	private volatile long appendSeen = NEVER;

	// Whether the stream must be touched at the next pass: it was never touched,
	// a read saw a lifetime the live path has not, or its last touch failed.
	private volatile boolean stale = true;

	// The head the live path had not reached at the last check.
	private EventId behind;

	private long touchedAt;

	private long touchKeeps;

	FollowedStream(EventId head) {
		this.newest = new AtomicReference<>(head);
	}

	/**
	 * Notes the head a read or a head request answered: a lifetime the live path
	 * has not seen (the old one expired, was flushed or lost) is touched at the
	 * next pass, so that the new one is kept alive from then on.
	 */
	void read(EventId head) {
		EventId received = this.newest.get();
		if (received == null || !received.sameEpoch(head)) {
			this.stale = true;
		}
	}

	/**
	 * Notes that an append's live message arrived.
	 * @param at when it arrived, from {@link System#nanoTime()}
	 */
	void appended(long at) {
		this.appendSeen = at;
	}

	/**
	 * Whether housekeeping should touch the stream now: because it is stale or
	 * was behind at the last check; because it had live messages within
	 * {@code activeNanos}, when a lost one is likely; because it was not checked
	 * for {@code checkNanos}; or because neither its last touch nor its last
	 * append seen keeps its keys alive for much longer: a refresh is due once
	 * half of what the refresh kept is over, less {@code marginNanos}. Clears
	 * the stale mark of a stream it selects.
	 * @param appendKeeps how long an append keeps the keys, in nanoseconds
	 */
	boolean due(long now, long appendKeeps, long activeNanos, long checkNanos, long marginNanos) {
		boolean due = due(now, this.appendSeen, appendKeeps, activeNanos, checkNanos, marginNanos);
		if (due) {
			this.stale = false;
		}
		return due;
	}

	private boolean due(long now, long appended, long appendKeeps, long activeNanos, long checkNanos,
			long marginNanos) {
		if (this.stale || this.behind != null || now - this.touchedAt >= checkNanos) {
			return true;
		}
		if (appended != NEVER && now - appended < activeNanos) {
			return true;
		}
		boolean touchKeepsAlive = now - this.touchedAt < this.touchKeeps / 2 - marginNanos;
		boolean appendKeepsAlive = appended != NEVER && now - appended < appendKeeps / 2 - marginNanos;
		return !touchKeepsAlive && !appendKeepsAlive;
	}

	/**
	 * Notes a touch sent at {@code at} that keeps the keys for {@code keeps}
	 * nanoseconds.
	 */
	void touched(long at, long keeps) {
		this.touchedAt = at;
		this.touchKeeps = keeps;
	}

	/**
	 * Marks the stream to be touched at the next pass.
	 */
	void touchAgain() {
		this.stale = true;
	}

	/**
	 * Notes an event the live path delivered. An older event of the same
	 * lifetime does not move the newest back; an event of another lifetime
	 * replaces it.
	 */
	void received(EventId id) {
		this.newest.accumulateAndGet(id, EventId::newer);
	}

	/**
	 * Whether the live path stayed behind the head for two checks in a row; one
	 * check behind is usually a message still on its way. A stream behind is
	 * touched, and so checked, again at the next pass.
	 */
	boolean lagsBehind(EventId head) {
		EventId received = this.newest.get();
		if (reaches(received, head)) {
			this.behind = null;
			return false;
		}
		if (this.behind != null && !reaches(received, this.behind)) {
			this.behind = null;
			return true;
		}
		this.behind = head;
		return false;
	}

	private static boolean reaches(EventId received, EventId head) {
		return received != null && received.sameEpoch(head) && received.sequence() >= head.sequence();
	}

}
