package dev.ssereplay.broker;

import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import dev.ssereplay.store.ReplayStore;

/**
 * What a {@link Subscriber} needs from its broker, handed over once, so that it
 * never reaches back into the broker.
 *
 * @param options how subscribers are treated
 * @param store where replay pages are read
 * @param writers where writers run
 * @param statistics what is counted
 * @param closed told once when a subscriber closes, to unregister and count it
 * @param callbackFailures told when application code called for a subscriber
 * throws
 * @param lifecycle told when a subscriber caught up and when it ended, for
 * {@link SubscriptionListener}s
 */
record SubscriberContext(BrokerOptions options, ReplayStore store, Executor writers, BrokerStatistics statistics,
		BiConsumer<Subscriber, CloseReason> closed, CallbackFailures callbackFailures, Lifecycle lifecycle) {

	/**
	 * Where a subscriber's start and end are reported, once each.
	 */
	interface Lifecycle {

		void started(SubscriptionListener.Started started);

		void ended(SubscriptionListener.Ended ended);

	}

	/**
	 * Where a failure of application code is counted and logged.
	 */
	@FunctionalInterface
	interface CallbackFailures {

		void failed(Callback callback, String stream, RuntimeException ex);

	}

}
