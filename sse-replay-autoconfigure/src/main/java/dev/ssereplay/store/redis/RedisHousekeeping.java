package dev.ssereplay.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * A request made while the previous run still runs is dropped. Thread-safe.
 */
final class RedisHousekeeping {

	// The store's logger: outages are reported as the store's.
	private static final Logger logger = LoggerFactory.getLogger(RedisReplayStore.class);

	private final ScriptRunner scripts;

	private final RedisKeys keys;

	private final RedisLiveFeed liveFeed;

	private final byte[] timeToLiveArgument;

	private final LongConsumer expiredEvictions;

	private final ExecutorService thread;

	private final AtomicBoolean pending = new AtomicBoolean();

	private final Object lock = new Object();

	private volatile boolean closed;

	// Used under lock.
	private final OutageLog outageLog = new OutageLog(logger);

	RedisHousekeeping(ScriptRunner scripts, RedisKeys keys, RedisLiveFeed liveFeed, byte[] timeToLiveArgument,
			LongConsumer expiredEvictions) {
		this.scripts = scripts;
		this.keys = keys;
		this.liveFeed = liveFeed;
		this.timeToLiveArgument = timeToLiveArgument;
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
			try {
				touchFollowedStreams();
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
		}
	}

	private void touchFollowedStreams() {
		List<String> streams = this.liveFeed.followedStreams();
		if (streams.isEmpty()) {
			return;
		}
		List<byte[][]> streamKeys = new ArrayList<>(streams.size());
		for (String stream : streams) {
			streamKeys.add(this.keys.of(stream));
		}
		List<Object> replies = this.scripts.runEach(RedisScript.TOUCH,
				"keep " + streams.size() + " subscribed streams alive", streamKeys, this.timeToLiveArgument);
		// On Redis Cluster, a master that cannot be reached while others can.
		StoreUnavailableException unreachable = null;
		for (int i = 0; i < streams.size(); i++) {
			String stream = streams.get(i);
			Object reply = replies.get(i);
			if (reply instanceof StoreUnavailableException ex) {
				unreachable = (unreachable != null) ? unreachable : ex;
				continue;
			}
			if (reply instanceof RuntimeException ex) {
				logger.warn("Redis replay store could not keep stream '{}' alive: {}", stream, ex.getMessage());
				continue;
			}
			List<?> values = (List<?>) reply;
			if (values.isEmpty()) {
				// No lifetime: the next append or read starts one, in a new epoch.
				continue;
			}
			long expired = (Long) values.get(2);
			if (expired > 0) {
				this.expiredEvictions.accept(expired);
			}
			this.liveFeed.checkHead(stream, new EventId(this.keys.epoch(stream, values.get(0)), (Long) values.get(1)));
		}
		if (unreachable != null) {
			throw unreachable;
		}
	}

}
