package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.store.StoreUnavailableException;

/**
 * What {@link RedisReplayStore#housekeep()} asks for, on a thread of its own
 * because it waits on Redis, so that neither the broker's tick nor the listeners
 * do: keeps the followed streams' keys alive, hands their heads to the
 * {@link RedisLiveFeed} to repair a lost last live message, resubscribes the
 * feed when subscribing failed, and reports an outage once.
 * <p>
 * Both jobs are done by one touch script per stream, pipelined, and a pass
 * touches only the followed streams that need it, so that idle streams cost
 * little however many there are:
 * <ul>
 * <li>Keeping alive: every append refreshes a stream's keys for the time to
 * live, whichever instance made it, and its live message tells this one. A
 * stream is touched when neither an append seen nor a touch refreshed it for
 * half of what that refresh kept it, less a margin of
 * {@value #MARGIN_MILLIS} ms for the passes' period: about every half time to
 * live for an idle stream, every pass for a time to live of a few seconds or
 * less. A touch keeps a stream that has had no event yet for
 * {@value #UNUSED_KEEP_MILLIS} ms at most (where a read alone keeps it 10 s), so
 * such a stream is not touched every few seconds either, and outlives its last
 * subscriber here by that much at most.</li>
 * <li>Repairing a lost last message: live messages are lost while the
 * subscription reconnects (a dropped connection, Redis closing a subscriber
 * whose output buffer overflowed, a failover), so every followed stream is
 * touched at the first pass after Redis confirmed the subscription again, and
 * after a pass that found Redis unreachable. Messages lost without a reconnect
 * (on Redis Cluster, between nodes) are made up for by touching a stream at
 * every pass for {@value #ACTIVE_MILLIS} ms after each of its live messages,
 * when the last of a burst is at stake, and by a safety check of every followed
 * stream every {@value #CHECK_MILLIS} ms. A stream found behind is touched again
 * at the next pass, which passes the newest event on when it is still behind.
 * So a message lost without a reconnect reaches subscribers within about two
 * passes when it followed another one within {@value #ACTIVE_MILLIS} ms, and
 * within the safety check's period and a pass otherwise.</li>
 * </ul>
 * <p>
 * A request made while the previous run still runs is dropped. Thread-safe.
 */
final class RedisHousekeeping {

	// The store's logger: outages are reported as the store's.
	private static final Logger logger = LoggerFactory.getLogger(RedisReplayStore.class);

	// How long before a refresh runs out a stream is touched, beyond half of what
	// the refresh kept: a pass comes every second, and may be late.
	static final long MARGIN_MILLIS = 1500;

	// How long after a live message a stream is touched at every pass.
	static final long ACTIVE_MILLIS = 3000;

	// How often every followed stream is touched, whatever else happens.
	static final long CHECK_MILLIS = 30_000;

	// How long a touch keeps a stream that has had no event, at most.
	static final long UNUSED_KEEP_MILLIS = 60_000;

	private final ScriptRunner scripts;

	private final RedisKeys keys;

	private final RedisLiveFeed liveFeed;

	private final byte[] timeToLiveArgument;

	private final byte[] unusedKeepArgument;

	private final long timeToLiveNanos;

	private final long unusedKeepNanos;

	private final LongConsumer expiredEvictions;

	private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(MARGIN_MILLIS);

	private static final long ACTIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(ACTIVE_MILLIS);

	private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS);

	private final ExecutorService thread;

	private final AtomicBoolean pending = new AtomicBoolean();

	private final Object lock = new Object();

	private volatile boolean closed;

	// Used under lock.
	private final OutageLog outageLog = new OutageLog(logger);

	// Whether the last pass found Redis unreachable: the next one touches every
	// followed stream. Used under lock.
	private boolean recovering;

	RedisHousekeeping(ScriptRunner scripts, RedisKeys keys, RedisLiveFeed liveFeed, Duration timeToLive,
			LongConsumer expiredEvictions) {
		this.scripts = scripts;
		this.keys = keys;
		this.liveFeed = liveFeed;
		long unusedKeepMillis = Math.min(timeToLive.toMillis(), UNUSED_KEEP_MILLIS);
		this.timeToLiveArgument = RedisKeys.number(timeToLive.toMillis());
		this.unusedKeepArgument = RedisKeys.number(unusedKeepMillis);
		this.timeToLiveNanos = timeToLive.toNanos();
		this.unusedKeepNanos = TimeUnit.MILLISECONDS.toNanos(unusedKeepMillis);
		this.expiredEvictions = expiredEvictions;
		this.thread = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "sse-replay-redis-housekeeping");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts a run unless one is pending or the store is closed; returns at once.
	 */
	void request() {
		if (this.closed || !this.pending.compareAndSet(false, true)) {
			return;
		}
		try {
			this.thread.execute(() -> {
				try {
					run();
				}
				finally {
					this.pending.set(false);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
			this.pending.set(false);
		}
	}

	/**
	 * Stops the thread, after a run in progress.
	 * @return {@code true} for the call that closed it
	 */
	boolean close() {
		synchronized (this.lock) {
			if (this.closed) {
				return false;
			}
			this.closed = true;
		}
		this.thread.shutdownNow();
		return true;
	}

	private void run() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			StoreUnavailableException outage = null;
			boolean everyStream = this.recovering | this.liveFeed.takeResubscribed();
			try {
				touchFollowedStreams(everyStream);
			}
			catch (StoreUnavailableException ex) {
				outage = ex;
			}
			catch (RuntimeException ex) {
				logger.warn("Redis replay store could not keep its subscribed streams alive", ex);
			}
			try {
				this.liveFeed.resubscribeIfNeeded();
			}
			catch (RuntimeException ex) {
				if (outage == null) {
					outage = new StoreUnavailableException("Could not subscribe to live events: " + ex.getMessage(), ex);
				}
			}
			this.outageLog.report(outage);
			this.recovering = outage != null || !this.scripts.isReachable();
		}
	}

	private void touchFollowedStreams(boolean everyStream) {
		long now = System.nanoTime();
		List<String> streams = this.liveFeed.followedStreams((state) -> state.due(now, this.timeToLiveNanos,
				ACTIVE_NANOS, CHECK_NANOS, MARGIN_NANOS) || everyStream);
		if (streams.isEmpty()) {
			return;
		}
		List<byte[][]> streamKeys = new ArrayList<>(streams.size());
		for (String stream : streams) {
			streamKeys.add(this.keys.of(stream));
		}
		List<Object> replies;
		try {
			replies = this.scripts.runEach(RedisScript.TOUCH, "keep " + streams.size() + " subscribed streams alive",
					streamKeys, this.timeToLiveArgument, this.unusedKeepArgument);
		}
		catch (RuntimeException ex) {
			streams.forEach(this.liveFeed::touchFailed);
			throw ex;
		}
		// On Redis Cluster, a master that cannot be reached while others can.
		StoreUnavailableException unreachable = null;
		for (int i = 0; i < streams.size(); i++) {
			String stream = streams.get(i);
			Object reply = replies.get(i);
			if (reply instanceof StoreUnavailableException ex) {
				unreachable = (unreachable != null) ? unreachable : ex;
				this.liveFeed.touchFailed(stream);
				continue;
			}
			if (reply instanceof RuntimeException ex) {
				logger.warn("Redis replay store could not keep stream '{}' alive: {}", stream, ex.getMessage());
				this.liveFeed.touchFailed(stream);
				continue;
			}
			List<?> values = (List<?>) reply;
			if (values.isEmpty()) {
				// No lifetime: the next append or read starts one, in a new epoch.
				this.liveFeed.touched(stream, null, now, this.unusedKeepNanos);
				continue;
			}
			long expired = (Long) values.get(2);
			if (expired > 0) {
				this.expiredEvictions.accept(expired);
			}
			long head = (Long) values.get(1);
			this.liveFeed.touched(stream, new EventId(this.keys.epoch(stream, values.get(0)), head), now,
					(head != 0) ? this.timeToLiveNanos : this.unusedKeepNanos);
		}
		if (unreachable != null) {
			throw unreachable;
		}
	}

}
