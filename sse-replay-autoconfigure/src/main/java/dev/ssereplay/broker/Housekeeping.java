package dev.ssereplay.broker;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.store.ReplayStore;

/**
 * A broker's periodic tick, on a thread of its own: it marks heartbeats on idle
 * connections (which is also how dead ones are found), tells an
 * {@link ElasticWriterPool} about writes blocked on clients that stopped reading,
 * and, every few ticks, lets the store expire old events.
 * <p>
 * Thread-safe; the tick itself runs on the one housekeeping thread.
 */
final class Housekeeping implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Broker.class);

	private static final long TICK_MILLIS = 200;

	private static final long EVICT_EVERY_TICKS = 5;

	private final StreamSubscribers subscribers;

	private final BrokerOptions options;

	private final Executor writers;

	private final ReplayStore store;

	private final ScheduledExecutorService thread;

	// Confined to the housekeeping thread.
	private long ticks;

	/**
	 * Creates the housekeeping of a broker, not yet ticking.
	 * @param subscribers the subscribers to tick
	 * @param options the heartbeat interval and stall threshold
	 * @param writers where writers run; resized when it is an
	 * {@link ElasticWriterPool}
	 * @param store the store to let expire old events
	 */
	Housekeeping(StreamSubscribers subscribers, BrokerOptions options, Executor writers, ReplayStore store) {
		this.subscribers = subscribers;
		this.options = options;
		this.writers = writers;
		this.store = store;
		this.thread = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "sse-replay-housekeeping");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts ticking.
	 */
	void start() {
		this.thread.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops ticking; a tick in progress is interrupted.
	 */
	@Override
	public void close() {
		this.thread.shutdownNow();
	}

	private void tick() {
		try {
			long now = System.nanoTime();
			long heartbeat = this.options.heartbeatInterval().toNanos();
			long stall = this.options.stallThreshold().toNanos();
			int[] stalled = new int[1];
			this.subscribers.forEach((subscriber) -> {
				if (subscriber.tick(now, heartbeat, stall)) {
					stalled[0]++;
				}
			});
			if (this.writers instanceof ElasticWriterPool pool) {
				pool.compensate(stalled[0]);
			}
			if (++this.ticks % EVICT_EVERY_TICKS == 0) {
				this.store.housekeep();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Housekeeping failed", ex);
		}
	}

}
