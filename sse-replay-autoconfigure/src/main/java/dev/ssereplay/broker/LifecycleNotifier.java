package dev.ssereplay.broker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link SubscriptionListener}s that connections started and ended,
 * on one thread of its own, so that a listener never runs on the write path.
 * <p>
 * Listeners are told in the order things were reported, one after the other; one
 * that throws is reported as a {@link Callback#SUBSCRIPTION_LISTENER} failure and
 * the others are told all the same. At most the
 * {@link BrokerOptions#listenerQueueDepth() listener queue depth} of
 * notifications wait for a slow listener: one reported beyond it is dropped,
 * counted, and logged at most once a minute, so reporting never waits and a slow
 * listener costs bounded memory. Until the first listener is added, nothing is
 * queued and no thread runs.
 * <p>
 * Thread-safe.
 */
final class LifecycleNotifier implements SubscriberContext.Lifecycle {

	private static final Logger logger = LoggerFactory.getLogger(Broker.class);

	private static final Duration DROPPED_LOG_INTERVAL = Duration.ofMinutes(1);

	private final List<SubscriptionListener> listeners = new CopyOnWriteArrayList<>();

	private final int queueDepth;

	private final BrokerStatistics statistics;

	private final SubscriberContext.CallbackFailures callbackFailures;

	private final LogInterval droppedLog = new LogInterval(DROPPED_LOG_INTERVAL);

	// Started with the first listener.
	private volatile ThreadPoolExecutor thread;

	/**
	 * Creates a notifier with no listener.
	 * @param queueDepth the most notifications that wait for the listeners
	 * @param statistics where dropped notifications are counted
	 * @param callbackFailures where a listener that throws is reported
	 */
	LifecycleNotifier(int queueDepth, BrokerStatistics statistics,
			SubscriberContext.CallbackFailures callbackFailures) {
		this.queueDepth = queueDepth;
		this.statistics = statistics;
		this.callbackFailures = callbackFailures;
	}

	/**
	 * Adds a listener, told of what is reported from now on.
	 * @param listener the listener
	 */
	void add(SubscriptionListener listener) {
		synchronized (this.listeners) {
			if (this.thread == null) {
				// One thread, so listeners are told in order; it stops when idle, so the
				// connections ended by a shutdown are still told. It is never shut down,
				// so it refuses a notification only when its queue is full.
				ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
						new LinkedBlockingQueue<>(this.queueDepth), (task) -> {
							Thread daemon = new Thread(task, "sse-replay-lifecycle");
							daemon.setDaemon(true);
							return daemon;
						}, (task, executor) -> dropped());
				thread.allowCoreThreadTimeOut(true);
				this.thread = thread;
			}
			this.listeners.add(listener);
		}
	}

	@Override
	public void started(SubscriptionListener.Started started) {
		tell((listener) -> listener.started(started), started.stream());
	}

	@Override
	public void ended(SubscriptionListener.Ended ended) {
		tell((listener) -> listener.ended(ended), ended.stream());
	}

	/**
	 * Returns the notifications waiting for the listeners, not counting the one
	 * they are being told.
	 * @return notifications
	 */
	int pending() {
		ThreadPoolExecutor thread = this.thread;
		return (thread != null) ? thread.getQueue().size() : 0;
	}

	private void tell(Consumer<SubscriptionListener> call, String stream) {
		ThreadPoolExecutor thread = this.thread;
		if (thread == null) {
			return;
		}
		thread.execute(() -> {
			for (SubscriptionListener listener : this.listeners) {
				try {
					call.accept(listener);
				}
				catch (RuntimeException ex) {
					this.callbackFailures.failed(Callback.SUBSCRIPTION_LISTENER, stream, ex);
				}
			}
		});
	}

	private void dropped() {
		this.statistics.listenerNotificationDropped();
		if (this.droppedLog.due()) {
			logger.warn("A SubscriptionListener is slower than connections start and end: {} notifications are "
					+ "waiting for it (sse.replay.listener.queue-depth), and later ones are dropped ({} so far, "
					+ "counted in sse.replay.listener.notifications.dropped); a listener should hand slow work to "
					+ "a thread of its own", this.queueDepth,
					this.statistics.getListenerNotificationsDropped());
		}
	}

}
