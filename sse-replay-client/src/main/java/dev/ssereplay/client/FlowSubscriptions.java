package dev.ssereplay.client;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;

/**
 * A client's {@code Flow} subscribers: each one's subscription, its demand and the
 * events it was offered and has not taken yet, delivered by the rules of
 * {@link Flow}: never more than requested, nothing after a terminal signal, a
 * subscriber that throws is cancelled, the same subscriber twice is refused, and a
 * request that is not positive is an error. It tells the {@link HandoverPosition}
 * as each event is taken, or will not be.
 *
 * <p>Touched only by the thread that runs the client's {@link SerialActions}: the
 * subscriptions' {@code request} and {@code cancel} only submit actions, except that
 * a cancellation takes effect at once.
 */
final class FlowSubscriptions {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final SerialActions actions;

	private final HandoverPosition position;

	private final BooleanSupplier stopped;

	private final List<Subscription> subscriptions = new ArrayList<>();

	private Terminal terminal;

	/**
	 * Creates the subscriptions of a client, none yet.
	 * @param actions where requests and cancellations are submitted
	 * @param position the position to tell of what was taken
	 * @param stopped whether the client was closed: what was not delivered then is
	 * dropped, and not released, since it was never handed over
	 */
	FlowSubscriptions(SerialActions actions, HandoverPosition position, BooleanSupplier stopped) {
		this.actions = actions;
		this.position = position;
		this.stopped = stopped;
	}

	/**
	 * Subscribes a subscriber to the events offered from now on, or refuses it
	 * when it is subscribed already. Once the subscriptions ended, the next
	 * {@link #deliver()} ends it at once.
	 */
	void subscribe(Flow.Subscriber<? super SseEvent> subscriber) {
		for (Subscription existing : this.subscriptions) {
			if (existing.subscriber == subscriber) {
				// Rule 1.10: the same subscriber twice is a mistake to report, not
				// to serve twice. The error ends it, so the first subscription ends
				// too: nothing may follow a terminal signal.
				existing.cancelled = true;
				release(existing);
				Subscription refused = new Subscription(subscriber);
				refused.cancelled = true;
				callSubscriber(refused, () -> subscriber.onSubscribe(refused));
				callSubscriber(refused, () -> subscriber
					.onError(new IllegalStateException("Subscriber is already subscribed: " + subscriber)));
				return;
			}
		}
		Subscription subscription = new Subscription(subscriber);
		this.subscriptions.add(subscription);
		callSubscriber(subscription, () -> subscriber.onSubscribe(subscription));
	}

	/**
	 * Queues a block's event for every subscription that has not cancelled.
	 * @return how many subscriptions have to take it
	 */
	int offer(HandoverPosition.Block block) {
		int takers = 0;
		for (Subscription subscription : this.subscriptions) {
			if (!subscription.cancelled) {
				subscription.pending.add(block);
				takers++;
			}
		}
		return takers;
	}

	/**
	 * Ends every subscription once it has taken what it was offered: it then
	 * receives {@code onError}, or {@code onComplete} when there is no error.
	 */
	void end(Throwable error) {
		if (this.terminal == null) {
			this.terminal = new Terminal(error);
		}
	}

	/**
	 * Delivers what each subscription has asked for, drops the subscriptions that
	 * cancelled, and ends those that have taken everything once the subscriptions
	 * ended.
	 */
	void deliver() {
		Iterator<Subscription> iterator = this.subscriptions.iterator();
		while (iterator.hasNext()) {
			Subscription subscription = iterator.next();
			if (this.stopped.getAsBoolean()) {
				// Not released: these events were never handed over, so the position
				// must not pass them.
				subscription.pending.clear();
			}
			while (subscription.demand > 0 && !subscription.cancelled && !subscription.pending.isEmpty()) {
				HandoverPosition.Block block = subscription.pending.poll();
				if (subscription.demand != Long.MAX_VALUE) {
					subscription.demand--;
				}
				this.position.taken(block);
				callSubscriber(subscription, () -> subscription.subscriber.onNext(block.event));
			}
			if (subscription.cancelled) {
				release(subscription);
				iterator.remove();
			}
			else if (this.terminal != null && subscription.pending.isEmpty()) {
				subscription.cancelled = true;
				iterator.remove();
				this.terminal.signal(subscription);
			}
		}
	}

	/**
	 * Returns how many events the subscriptions that have not cancelled were offered
	 * and have not taken yet.
	 */
	int backlog() {
		int backlog = 0;
		for (Subscription subscription : this.subscriptions) {
			if (!subscription.cancelled) {
				backlog += subscription.pending.size();
			}
		}
		return backlog;
	}

	private void release(Subscription subscription) {
		this.position.release(subscription.pending);
		subscription.pending.clear();
	}

	private void callSubscriber(Subscription subscription, Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError) {
				throw ex;
			}
			// Rule 2.13: a subscriber that throws is treated as cancelled.
			subscription.cancelled = true;
			release(subscription);
			logger.log(Level.WARNING, "Flow.Subscriber threw; its subscription is cancelled", ex);
		}
	}

	private final class Terminal {

		private final Throwable error;

		Terminal(Throwable error) {
			this.error = error;
		}

		void signal(Subscription subscription) {
			if (this.error != null) {
				callSubscriber(subscription, () -> subscription.subscriber.onError(this.error));
			}
			else {
				callSubscriber(subscription, subscription.subscriber::onComplete);
			}
		}

	}

	private final class Subscription implements Flow.Subscription {

		final Flow.Subscriber<? super SseEvent> subscriber;

		final ArrayDeque<HandoverPosition.Block> pending = new ArrayDeque<>();

		// Touched only by the thread running actions, except for cancelled, which a
		// subscriber may set from anywhere and must see take effect at once.
		long demand;

		volatile boolean cancelled;

		Subscription(Flow.Subscriber<? super SseEvent> subscriber) {
			this.subscriber = subscriber;
		}

		@Override
		public void request(long n) {
			FlowSubscriptions.this.actions.submit(() -> {
				if (this.cancelled) {
					return;
				}
				if (n <= 0) {
					// Rule 3.9.
					this.cancelled = true;
					release(this);
					callSubscriber(this, () -> this.subscriber
						.onError(new IllegalArgumentException("Flow.Subscription.request needs a positive number, got " + n)));
					return;
				}
				long sum = this.demand + n;
				this.demand = (sum < 0) ? Long.MAX_VALUE : sum;
			});
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			// Lets the dispatcher drop the subscription and resume reading if this
			// subscriber was the one holding it back.
			FlowSubscriptions.this.actions.submit(() -> {
			});
		}

	}

}
