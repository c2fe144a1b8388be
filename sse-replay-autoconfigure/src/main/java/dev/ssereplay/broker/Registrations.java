package dev.ssereplay.broker;

import java.util.concurrent.Executor;

import dev.ssereplay.event.Position;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StreamCompletedException;
import dev.ssereplay.store.StreamStatus;

/**
 * How a connection is registered with a broker, in an order that loses nothing,
 * and released once. A connection takes a slot under the limits
 * ({@code ConnectionSlots}); its {@link Subscriber} joins its stream's
 * ({@code StreamSubscribers}) before the stream's status is read, so that no
 * event falls between its replay and its live part; only then does it start.
 * It gives back its slot when it ends, through the {@link SubscriberContext}
 * every subscriber is created with, or at once when the status shows it has
 * nothing left to receive.
 * <p>
 * Thread-safe: the slots and the stream's subscribers are, and a subscriber is
 * removed, uncounted and counted as closed by the one call that removes it.
 */
final class Registrations {

	private final StreamSubscribers subscribers;

	private final ReplayStore store;

	private final BrokerStatistics statistics;

	private final ConnectionSlots slots;

	private final SubscriberContext context;

	/**
	 * Creates the registrations of a broker, with no connection.
	 * @param options the connection limits, and how subscribers are treated
	 * @param store where the stream's status is read, and replay pages
	 * @param writers where writers run
	 * @param statistics where refusals and ends are counted
	 * @param subscribers the subscribers of each stream, which the broker
	 * dispatches to
	 * @param callbackFailures told when application code called for a subscriber
	 * throws
	 * @param lifecycle told when a subscriber caught up and when it ended
	 */
	Registrations(BrokerOptions options, ReplayStore store, Executor writers, BrokerStatistics statistics,
			StreamSubscribers subscribers, SubscriberContext.CallbackFailures callbackFailures,
			SubscriberContext.Lifecycle lifecycle) {
		this.subscribers = subscribers;
		this.store = store;
		this.statistics = statistics;
		this.slots = new ConnectionSlots(options, statistics);
		this.context = new SubscriberContext(options, store, writers, statistics, this::unregister, callbackFailures,
				lifecycle);
	}

	/**
	 * Registers a connection to a stream and starts its subscriber; when the
	 * head cannot be read, or the stream has ended for the client, nothing is
	 * left registered.
	 * @param stream a valid stream name
	 * @param from the client's position
	 * @param connection the connection to write to
	 * @param client who the connection belongs to
	 * @param settings the connection's filter, queue depth, slow policy and expiry
	 * @return the started subscriber
	 * @throws TooManyConnectionsException when a limit is reached, naming it
	 * @throws StreamCompletedException when the stream has ended and the client
	 * has nothing left to receive
	 */
	Subscriber register(String stream, Position from, Connection connection, Client client,
			ConnectionSettings settings) {
		this.slots.acquire(client);
		Subscriber subscriber = new Subscriber(this.context, stream, from, settings, connection, client);
		this.subscribers.add(subscriber);
		StreamStatus status;
		try {
			status = this.store.status(stream);
		}
		catch (RuntimeException ex) {
			subscriber.close(CloseReason.DISCONNECTED);
			throw ex;
		}
		if (status.isOverFor(from)) {
			// Never served: released as if it had not been registered.
			subscriber.abandon();
			if (this.subscribers.remove(subscriber)) {
				this.slots.release(client);
			}
			throw new StreamCompletedException(stream);
		}
		subscriber.start(status);
		return subscriber;
	}

	/**
	 * Returns the connections registered.
	 * @return connections
	 */
	int connectionCount() {
		return this.slots.taken();
	}

	// Told by every subscriber that closes, once; a subscriber that was never
	// registered, or was released already, is not counted again.
	private void unregister(Subscriber subscriber, CloseReason reason) {
		if (this.subscribers.remove(subscriber)) {
			this.slots.release(subscriber.client());
			this.statistics.closed(reason);
		}
	}

}
