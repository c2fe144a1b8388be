package dev.ssereplay.broker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.event.StreamNames;
import dev.ssereplay.store.IdempotentAppend;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StreamCompletedException;

/**
 * Fans every event appended to a {@link ReplayStore} out to the subscribers of
 * its stream, without ever waiting on one.
 * <p>
 * Dispatching an event offers it to each subscriber's bounded queue; a
 * subscriber whose queue is full gets the {@link SlowConnectionPolicy}, and one
 * that fails is closed without disturbing the others. Each subscriber's writer
 * runs on the given executor, so thousands of connections share a few threads.
 * A housekeeping tick marks heartbeats on idle connections (which is also how
 * dead ones are found), tells an {@link ElasticWriterPool} about writes blocked
 * on clients that stopped reading, and lets the store expire old events.
 * {@link SubscriptionListener}s are told on a thread of their own.
 * <p>
 * Thread-safe. Subscribers of a stream are kept in a copy-on-write array
 * ({@code StreamSubscribers}), so dispatch reads one volatile reference and takes
 * no lock.
 */
public final class Broker implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Broker.class);

	private final ReplayStore store;

	private final BrokerOptions options;

	private final BrokerStatistics statistics = new BrokerStatistics();

	private final StreamSubscribers subscribers = new StreamSubscribers();

	private final CallbackFailureLog callbackFailures;

	private final LifecycleNotifier lifecycle;

	private final Registrations registrations;

	private final Housekeeping housekeeping;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Creates a broker that listens to the store's appended events and starts its
	 * housekeeping tick.
	 * @param store the store whose events to fan out
	 * @param options how to treat subscribers
	 * @param writers where subscriber writers run; an {@link ElasticWriterPool}
	 * keeps blocked writes from starving the others
	 */
	public Broker(ReplayStore store, BrokerOptions options, Executor writers) {
		this.store = store;
		this.options = options;
		this.callbackFailures = new CallbackFailureLog(this.statistics);
		this.lifecycle = new LifecycleNotifier(options.listenerQueueDepth(), this.statistics, this.callbackFailures);
		this.registrations = new Registrations(options, store, writers, this.statistics, this.subscribers,
				this.callbackFailures, this.lifecycle);
		this.housekeeping = new Housekeeping(this.subscribers, options, writers, store);
		store.retainWhile(this::hasSubscribers);
		store.addListener(this::dispatch);
		this.housekeeping.start();
	}

	/**
	 * Appends an event to the store and counts it. The store then passes it to
	 * {@link #dispatch}, its listener, which fans it out here; with a store shared
	 * by several instances, every instance's broker receives it that way.
	 * @param stream a valid stream name
	 * @param event the event
	 * @return the stored event with its id
	 * @throws dev.ssereplay.store.StoreUnavailableException when the event could
	 * not be stored
	 */
	public StoredEvent publish(String stream, SseEvent event) {
		StoredEvent stored = this.store.append(stream, event);
		this.statistics.published();
		return stored;
	}

	/**
	 * Appends an event to the store unless a publish to the stream with the same
	 * idempotency key was stored (see {@link ReplayStore#appendOnce}), and counts
	 * it as published or as repeated.
	 * @param stream a valid stream name
	 * @param event the event
	 * @param key the idempotency key
	 * @return the id of the event the key belongs to
	 * @throws dev.ssereplay.store.StoreUnavailableException when the event could
	 * not be stored
	 */
	public EventId publish(String stream, SseEvent event, IdempotencyKey key) {
		return counted(this.store.appendOnce(stream, event, key));
	}

	/**
	 * Publishes with an idempotency key as {@link #publish(String, SseEvent, IdempotencyKey)}
	 * does, without waiting for the store where the store can (see
	 * {@link ReplayStore#appendOnceAsync}).
	 * @param stream a valid stream name
	 * @param event the event
	 * @param key the idempotency key
	 * @return the id of the event the key belongs to; completed on the store's
	 * thread
	 */
	public CompletableFuture<EventId> publishAsync(String stream, SseEvent event, IdempotencyKey key) {
		return this.store.appendOnceAsync(stream, event, key).thenApply(this::counted);
	}

	private EventId counted(IdempotentAppend append) {
		if (append.repeated()) {
			this.statistics.repeated();
		}
		else {
			this.statistics.published();
		}
		return append.id();
	}

	/**
	 * Whether {@link #publish} can wait on the store; see
	 * {@link ReplayStore#appendMayWait()}.
	 * @return {@code false} when publishing never waits
	 */
	public boolean publishMayWait() {
		return this.store.appendMayWait();
	}

	/**
	 * Appends an event to the store without waiting for it where the store can
	 * (see {@link ReplayStore#appendAsync}), and counts it once stored.
	 * @param stream a valid stream name
	 * @param event the event
	 * @return the stored event with its id; completed on the store's thread
	 */
	public CompletableFuture<StoredEvent> publishAsync(String stream, SseEvent event) {
		CompletableFuture<StoredEvent> published = new CompletableFuture<>();
		this.store.appendAsync(stream, event).whenComplete((stored, failure) -> {
			if (failure != null) {
				published.completeExceptionally(failure);
			}
			else {
				this.statistics.published();
				published.complete(stored);
			}
		});
		return published;
	}

	/**
	 * Appends a stream's final event and counts it; every connection to the
	 * stream ends once it has written it.
	 * @param stream a valid stream name
	 * @param finalEvent the final event
	 * @param keepFor how long the history stays after the end, or {@code null}
	 * for the store's time to live
	 * @return the stored final event
	 * @throws StreamCompletedException when the stream has already ended
	 */
	public StoredEvent complete(String stream, SseEvent finalEvent, Duration keepFor) {
		StoredEvent stored = this.store.complete(stream, finalEvent, keepFor);
		this.statistics.published();
		return stored;
	}

	/**
	 * Removes a stream's history and ends it for every connection, which receives
	 * the final event unless it had already ended.
	 * @param stream a valid stream name
	 * @param finalEvent the event that tells connections the stream is gone
	 * @return the final event, or {@code null} when none was needed
	 */
	public StoredEvent delete(String stream, SseEvent finalEvent) {
		return this.store.delete(stream, finalEvent);
	}

	/**
	 * Subscribes a connection to a stream. The subscriber is registered before
	 * anything is read from the store, so no event falls between its replay and
	 * its live part; a fresh subscriber, and one whose position was malformed,
	 * receives every event appended after this call, starting from the head read
	 * here.
	 * <p>
	 * A client with nothing left to receive from a stream that has ended is not
	 * registered: {@link StreamCompletedException}.
	 * @param stream a valid stream name
	 * @param from the client's position
	 * @param eventNames which event names to deliver, or {@code null} for all
	 * (unnamed events are named {@code message})
	 * @param connection the connection to write to
	 * @return the subscription
	 * @throws TooManyConnectionsException when the maximum is reached
	 * @throws BrokerClosedException when the broker is shutting down
	 * @throws dev.ssereplay.store.StoreUnavailableException when the head could
	 * not be read; nothing is left registered
	 * @throws StreamCompletedException when the stream has ended and the client
	 * has nothing left to receive; nothing is left registered
	 */
	public Subscription subscribe(String stream, Position from, Predicate<String> eventNames,
			Connection connection) {
		return subscribe(stream, from, eventNames, connection, Client.UNKNOWN);
	}

	/**
	 * Subscribes a connection of a known client to a stream, within the limits per
	 * remote address and per user as well as the total one; otherwise as
	 * {@link #subscribe(String, Position, Predicate, Connection)}.
	 * @param stream a valid stream name
	 * @param from the client's position
	 * @param eventNames which event names to deliver, or {@code null} for all
	 * @param connection the connection to write to
	 * @param client who the connection belongs to
	 * @return the subscription
	 * @throws TooManyConnectionsException when a limit is reached, naming it
	 */
	public Subscription subscribe(String stream, Position from, Predicate<String> eventNames, Connection connection,
			Client client) {
		return subscribe(stream, from, connection, client, ConnectionSettings.filtered(eventNames));
	}

	/**
	 * Subscribes a connection of a known client to a stream with settings of its
	 * own; otherwise as {@link #subscribe(String, Position, Predicate, Connection)}.
	 * @param stream a valid stream name
	 * @param from the client's position
	 * @param connection the connection to write to
	 * @param client who the connection belongs to
	 * @param settings the connection's filter, queue depth, slow policy and expiry
	 * @return the subscription
	 * @throws TooManyConnectionsException when a limit is reached, naming it
	 */
	public Subscription subscribe(String stream, Position from, Connection connection, Client client,
			ConnectionSettings settings) {
		StreamNames.check(stream);
		if (this.closed.get()) {
			throw new BrokerClosedException();
		}
		return this.registrations.register(stream, from, connection, client, settings);
	}

	/**
	 * Adds a listener told when connections start and end.
	 * @param listener the listener
	 */
	public void addSubscriptionListener(SubscriptionListener listener) {
		this.lifecycle.add(listener);
	}

	/**
	 * Counts a subscription the application denied, and tells the listeners;
	 * nothing was registered.
	 * @param stream the stream name
	 * @param client who asked
	 */
	public void denied(String stream, Client client) {
		this.statistics.denied();
		this.lifecycle.ended(new SubscriptionListener.Ended(stream, client.principal(), CloseReason.DENIED, 0, 0, 0));
	}

	/**
	 * Offers an appended event to every subscriber of its stream. Never blocks.
	 * @param event the event
	 */
	public void dispatch(StoredEvent event) {
		for (Subscriber subscriber : this.subscribers.of(event.stream())) {
			try {
				subscriber.offer(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Subscriber of stream '{}' failed to take event {}; closing it", event.stream(),
						event.id(), ex);
				subscriber.close(CloseReason.DISCONNECTED);
			}
		}
	}

	/**
	 * Counts and logs a failure of application code sse-replay called, which was
	 * isolated: the first of each kind is logged with its stack trace, later ones
	 * at most once a minute.
	 * @param callback the kind of callback
	 * @param stream the stream it was called for, or {@code null}
	 * @param ex what it threw
	 */
	public void callbackFailed(Callback callback, String stream, RuntimeException ex) {
		this.callbackFailures.failed(callback, stream, ex);
	}

	/**
	 * Whether a stream has subscribers in this process.
	 * @param stream the stream name
	 * @return {@code true} when it has at least one
	 */
	public boolean hasSubscribers(String stream) {
		return this.subscribers.has(stream);
	}

	/**
	 * Returns the number of subscribers of a stream in this process.
	 * @param stream the stream name
	 * @return connections to the stream
	 */
	public int connectionCount(String stream) {
		return this.subscribers.of(stream).length;
	}

	/**
	 * Returns the number of subscribers connected.
	 * @return connections
	 */
	public int connectionCount() {
		return this.registrations.connectionCount();
	}

	/**
	 * Returns the number of streams with subscribers.
	 * @return streams
	 */
	public int streamCount() {
		return this.subscribers.streamCount();
	}

	/**
	 * Returns the notifications waiting for the {@link SubscriptionListener}s.
	 * @return notifications
	 */
	int pendingNotifications() {
		return this.lifecycle.pending();
	}

	/**
	 * Returns what this broker counted.
	 * @return the statistics
	 */
	public BrokerStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Returns the options of this broker.
	 * @return the options
	 */
	public BrokerOptions options() {
		return this.options;
	}

	/**
	 * Ends every connection and stops the housekeeping tick. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.housekeeping.close();
		this.subscribers.all().forEach((subscriber) -> subscriber.close(CloseReason.SHUTDOWN));
	}

}
