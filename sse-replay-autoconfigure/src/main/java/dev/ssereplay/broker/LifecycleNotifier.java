package dev.ssereplay.broker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Tells the {@link SubscriptionListener}s that connections started and ended,
 * on one thread of its own, so that a listener never runs on the write path.
 * <p>
 * Listeners are told in the order things were reported, one after the other; one
 * that throws is reported as a {@link Callback#SUBSCRIPTION_LISTENER} failure and
 * the others are told all the same. Until the first listener is added, nothing is
 * queued and no thread runs.
 * <p>
 * Thread-safe.
 */
final class LifecycleNotifier implements SubscriberContext.Lifecycle {

	private final List<SubscriptionListener> listeners = new CopyOnWriteArrayList<>();

	private final SubscriberContext.CallbackFailures callbackFailures;

	// Started with the first listener.
	private volatile ExecutorService thread;

	/**
	 * Creates a notifier with no listener.
	 * @param callbackFailures where a listener that throws is reported
	 */
	LifecycleNotifier(SubscriberContext.CallbackFailures callbackFailures) {
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
				// connections ended by a shutdown are still told.
				ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
						new LinkedBlockingQueue<>(), (task) -> {
							Thread daemon = new Thread(task, "sse-replay-lifecycle");
							daemon.setDaemon(true);
							return daemon;
						});
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

	private void tell(Consumer<SubscriptionListener> call, String stream) {
		ExecutorService thread = this.thread;
		if (thread == null) {
			return;
		}
		try {
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
		catch (RejectedExecutionException ex) {
			// Cannot happen with an unbounded queue that is never shut down.
		}
	}

}
