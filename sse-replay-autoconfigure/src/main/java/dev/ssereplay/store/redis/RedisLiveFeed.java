package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;

/**
 * The live path of a {@link RedisReplayStore}: its pub/sub subscription to the
 * channels of all streams, the thread that passes each message on to the
 * listeners, and the repair of a lost last message.
 * <p>
 * Listeners are called on one thread, one event at a time in the order the
 * messages arrive, for events appended by any instance including this one. The
 * first listener subscribes; a subscription that could not be made is made again
 * by {@link #resubscribeIfNeeded()}.
 * <p>
 * Pub/sub is a hint: messages are lost while the subscription is reconnecting. A
 * subscriber that sees a hole reads it from the history, but a lost last message
 * leaves no hole, only subscribers waiting for the next event. So the feed
 * follows the streams that have subscribers in this process, with the newest
 * event the live path delivered for each, and is given each followed stream's
 * head once a housekeeping pass ({@link #checkHead}). When the live path stays
 * behind the head for two passes in a row, the feed reads the newest event from
 * the history and passes it to the listeners again, which sends subscribers that
 * are behind to the history.
 * <p>
 * Thread-safe.
 */
final class RedisLiveFeed {

	// Under the store's name: the one type of this package that users see and set
	// log levels for.
	private static final Logger logger = LoggerFactory.getLogger(RedisReplayStore.class);

	private final RedisConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final Duration commandTimeout;

	private final ReplayStore history;

	private final List<Consumer<StoredEvent>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong listenerFailures = new AtomicLong();

	// Runs listeners, one event at a time in the order received.
	private final ExecutorService listenerThread;

	private final Map<String, Tracked> followed = new ConcurrentHashMap<>();

	private volatile Predicate<String> inUse = (stream) -> false;

	private volatile LiveSubscription subscription;

	// Guarded by this.
	private boolean closed;

	/**
	 * Creates a feed that does not subscribe until its first listener is added.
	 * @param connectionFactory the connection to Redis; the subscription takes a
	 * connection of its own
	 * @param keys the names of the channels to subscribe to
	 * @param commandTimeout how long to wait for Redis to confirm the subscription
	 * @param history where a lost last message is read from
	 */
	RedisLiveFeed(RedisConnectionFactory connectionFactory, RedisKeys keys, Duration commandTimeout,
			ReplayStore history) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.commandTimeout = commandTimeout;
		this.history = history;
		this.listenerThread = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "sse-replay-redis-listener");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Registers a listener for every live event. The first listener subscribes,
	 * waiting up to the command timeout for Redis to confirm; a failure is logged,
	 * not thrown.
	 */
	void addListener(Consumer<StoredEvent> listener) {
		this.listeners.add(listener);
		if (this.subscription == null) {
			listen();
		}
	}

	/**
	 * Sets which streams have subscribers in this process: only those are
	 * followed.
	 */
	void followWhile(Predicate<String> inUse) {
		this.inUse = inUse;
	}

	/**
	 * Starts following a stream that has subscribers in this process, unless
	 * followed already.
	 * @param head the stream's head as just read
	 */
	void follow(String stream, EventId head) {
		// Only streams with subscribers here need their live path watched; the first
		// head read is what they have at most.
		if (!this.followed.containsKey(stream) && this.inUse.test(stream)) {
			this.followed.putIfAbsent(stream, new Tracked(head));
		}
	}

	/**
	 * Returns the streams followed, after letting go of those that no longer have
	 * subscribers in this process.
	 */
	List<String> followedStreams() {
		List<String> streams = new ArrayList<>(this.followed.size());
		for (String stream : this.followed.keySet()) {
			if (this.inUse.test(stream)) {
				streams.add(stream);
			}
			else {
				this.followed.remove(stream);
			}
		}
		return streams;
	}

	/**
	 * Compares a followed stream's head with what the live path delivered, and
	 * when the live path stayed behind for two passes in a row, reads the newest
	 * event from the history and passes it to the listeners again. Called once a
	 * housekeeping pass per followed stream, from one thread at a time.
	 * @param head the stream's head, read from Redis in this pass
	 * @throws dev.ssereplay.store.StoreUnavailableException when the newest event
	 * could not be read
	 */
	void checkHead(String stream, EventId head) {
		Tracked state = this.followed.get(stream);
		if (state != null && state.lagsBehind(head)) {
			redeliverNewest(stream, head);
		}
	}

	/**
	 * Subscribes again when the first listener's subscription could not be made.
	 * @throws RuntimeException when it still cannot be made
	 */
	void resubscribeIfNeeded() {
		LiveSubscription current = this.subscription;
		if (current == null || current.isSubscribed()) {
			return;
		}
		current.subscribe();
		logger.info("Redis replay store subscribed to live events");
	}

	/**
	 * Whether the feed subscribed and the subscription was not given up; while
	 * Lettuce reconnects it, it still counts.
	 */
	boolean isListening() {
		LiveSubscription current = this.subscription;
		return current != null && current.isSubscribed();
	}

	/**
	 * Returns how many times a listener threw.
	 */
	long listenerFailures() {
		return this.listenerFailures.get();
	}

	/**
	 * Unsubscribes and stops the listener thread. Idempotent.
	 */
	void close() {
		LiveSubscription current;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			current = this.subscription;
		}
		if (current != null) {
			current.close();
		}
		this.listenerThread.shutdownNow();
	}

	private synchronized void listen() {
		if (this.subscription != null || this.closed) {
			return;
		}
		LiveSubscription created = new LiveSubscription(this.connectionFactory, this.keys.pattern(),
				this::received, this.commandTimeout);
		this.subscription = created;
		try {
			created.subscribe();
		}
		catch (RuntimeException ex) {
			logger.warn("Redis replay store could not subscribe to live events yet; retrying every second: {}",
					ex.toString());
		}
	}

	// On Lettuce's event loop thread, which must not wait on anything.
	private void received(Message message) {
		try {
			this.listenerThread.execute(() -> onMessage(message));
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	private void onMessage(Message message) {
		String stream = this.keys.streamOf(message.getChannel());
		if (stream == null) {
			return;
		}
		StoredEvent event;
		try {
			event = RedisFrames.message(stream, message.getBody());
		}
		catch (IllegalStateException ex) {
			logger.warn("Ignoring a message on channel {} that this store did not publish: {}",
					new String(message.getChannel(), StandardCharsets.UTF_8), ex.getMessage());
			return;
		}
		Tracked state = this.followed.get(stream);
		if (state != null) {
			state.received(event.id());
		}
		deliver(event);
	}

	private void redeliverNewest(String stream, EventId head) {
		if (head.sequence() == 0) {
			return;
		}
		ReadResult result = this.history.readAfter(stream, new EventId(head.epoch(), head.sequence() - 1), 1);
		if (result instanceof ReadResult.Events page && !page.events().isEmpty()) {
			StoredEvent newest = page.events().get(0);
			logger.debug("Live message of event {} of stream '{}' did not arrive; passing it on from the history",
					newest.id(), stream);
			Tracked state = this.followed.get(stream);
			if (state != null) {
				state.received(newest.id());
			}
			try {
				this.listenerThread.execute(() -> deliver(newest));
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile.
			}
		}
	}

	private void deliver(StoredEvent event) {
		for (Consumer<StoredEvent> listener : this.listeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				this.listenerFailures.incrementAndGet();
				logger.warn("Listener failed for event {} of stream '{}'", event.id(), event.stream(), ex);
			}
		}
	}

	/**
	 * What the live path delivered for one followed stream. {@link #received} may
	 * be called from any thread; {@link #lagsBehind} from one thread at a time.
	 */
	static final class Tracked {

		private final AtomicReference<EventId> newest;

		// The head the live path had not reached at the last pass.
		private EventId behind;

		Tracked(EventId head) {
			this.newest = new AtomicReference<>(head);
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
		 * Whether the live path stayed behind the head for two passes in a row; one
		 * pass behind is usually a message still on its way.
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

}
