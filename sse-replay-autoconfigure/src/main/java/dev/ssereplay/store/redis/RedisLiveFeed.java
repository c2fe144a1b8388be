package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StoreUnavailableException;

/**
 * The live path of a {@link RedisReplayStore}: its pub/sub subscriptions, the
 * thread that passes each message on to the listeners ({@link LiveListeners}),
 * and the repair of a lost last message.
 * <p>
 * Listeners are called on one thread, one event at a time in the order the
 * messages arrive, for events appended by any instance including this one. When
 * the feed was told which streams have subscribers here ({@link #followWhile})
 * before its first listener, it subscribes to the channel of each such stream
 * when the stream is first read ({@link #prepare}), and leaves it when the
 * stream has no subscribers here any more, so that an instance receives the
 * events of its own streams only. Otherwise the first listener subscribes to
 * the channels of all streams with one pattern, and listeners receive every
 * event; a pattern subscription that could not be made is made again by
 * {@link #resubscribeIfNeeded()}. Which subscriptions, and of which kind of
 * pub/sub, is {@link LiveSubscriptions}'s.
 * <p>
 * Pub/sub is a hint: messages are lost while the subscription is reconnecting. A
 * subscriber that sees a hole reads it from the history, but a lost last message
 * leaves no hole, only subscribers waiting for the next event. So the feed
 * follows the streams that have subscribers in this process, with the newest
 * event the live path delivered for each and when it last saw one of their
 * appends, and is given a followed stream's head whenever housekeeping touches
 * it ({@link #touched}, {@link RedisHousekeeping} says when that is). When the
 * live path stays behind the head for two checks in a row, the feed reads the
 * newest event from the history and passes it to the listeners again, which
 * sends subscribers that are behind to the history. Every time Redis confirms
 * the pattern subscription, the first time and each time Lettuce made it again
 * after a reconnect, the feed notes that every followed stream's head must be
 * checked ({@link #takeResubscribed()}): messages published while it was away
 * are lost. Each time Redis confirms a stream's channel, or ends its sharded
 * subscription unasked, that stream's head is checked at the next pass; a
 * stream found behind is also subscribed to again, since a sharded subscription
 * dies with its master.
 * <p>
 * Thread-safe.
 */
final class RedisLiveFeed {

	// Under the store's name: the one type of this package that users see and set
	// log levels for.
	private static final Logger logger = LoggerFactory.getLogger(RedisReplayStore.class);

	private final ReplayStore history;

	private final Map<String, FollowedStream> followed = new ConcurrentHashMap<>();

	private final LiveListeners listeners;

	private volatile Predicate<String> inUse = (stream) -> false;

	private final LiveSubscriptions subscriptions;

	// Whether followWhile was called: listen to the followed streams only.
	private volatile boolean followsSome;

	// Set each time Redis confirms the pattern subscription.
	private final AtomicBoolean resubscribed = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Creates a feed that does not subscribe until its first listener is added.
	 * @param connectionFactory the connection to Redis; the subscription takes a
	 * connection of its own
	 * @param keys the names of the channels to subscribe to
	 * @param commandTimeout how long to wait for Redis to confirm the subscription
	 * @param pubSub whether channels are subscribed to with sharded or classic
	 * pub/sub
	 * @param history where a lost last message is read from
	 */
	RedisLiveFeed(LettuceConnectionFactory connectionFactory, RedisKeys keys, Duration commandTimeout,
			PubSubMode pubSub, ReplayStore history) {
		this.history = history;
		this.listeners = new LiveListeners(keys, this.followed::get);
		this.subscriptions = new LiveSubscriptions(connectionFactory, keys, commandTimeout, pubSub,
				this.listeners::received, this::interrupted, () -> this.resubscribed.set(true));
	}

	/**
	 * Registers a listener for every live event received. Unless
	 * {@link #followWhile} was called before, the first listener subscribes to
	 * all streams, waiting up to the command timeout for Redis to confirm; a
	 * failure is logged, not thrown.
	 * @throws IllegalStateException when the feed would listen to every stream
	 * with sharded pub/sub
	 */
	void addListener(Consumer<StoredEvent> listener) {
		this.listeners.add(listener);
		if (!this.subscriptions.isStarted()) {
			this.subscriptions.start(this.followsSome);
		}
	}

	/**
	 * Sets which streams have subscribers in this process: only those are
	 * followed, and, when this is called before the first listener is added, only
	 * their events are received.
	 */
	void followWhile(Predicate<String> inUse) {
		this.inUse = inUse;
		this.followsSome = true;
	}

	/**
	 * Subscribes to the channel of a stream that has subscribers in this process,
	 * when the feed listens to followed streams only and is not subscribed to it
	 * yet, and returns once Redis confirmed: called before the stream's head is
	 * read, so that every event after that head arrives live.
	 * @throws StoreUnavailableException when Redis did not confirm the
	 * subscription
	 */
	void prepare(String stream) {
		if (this.inUse.test(stream)) {
			this.subscriptions.subscribe(stream);
		}
	}

	/**
	 * Subscribes to a stream's channel as {@link #prepare} does, without waiting:
	 * the subscription is made on the subscriptions' thread.
	 * @return a future that completes once Redis confirmed the subscription, at
	 * once when there is none to make, or fails with a
	 * {@link StoreUnavailableException}
	 */
	CompletableFuture<Void> prepareAsync(String stream) {
		if (!this.inUse.test(stream)) {
			return CompletableFuture.completedFuture(null);
		}
		return this.subscriptions.subscribeAsync(stream);
	}

	/**
	 * Starts following a stream that has subscribers in this process, unless
	 * followed already. Never waits: it may be called on Lettuce's I/O thread.
	 * @param head the stream's head as just read
	 */
	void follow(String stream, EventId head) {
		// Only streams with subscribers here need their live path watched; the first
		// head read is what they have at most.
		FollowedStream state = this.followed.get(stream);
		if (state != null) {
			state.read(head);
		}
		else if (this.inUse.test(stream)) {
			this.followed.putIfAbsent(stream, new FollowedStream(head));
			// Subscribed already, unless the stream gained its subscribers after the
			// read began; then the first touch finds what was missed meanwhile, and a
			// subscription that fails is made at the next read.
			this.subscriptions.subscribeLater(stream);
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
	 * Returns the followed streams that {@code due} selects, after letting go of
	 * those that no longer have subscribers in this process. Called from one
	 * thread at a time.
	 */
	List<String> followedStreams(Predicate<FollowedStream> due) {
		List<String> streams = new ArrayList<>();
		for (Map.Entry<String, FollowedStream> entry : this.followed.entrySet()) {
			String stream = entry.getKey();
			if (!this.inUse.test(stream)) {
				this.followed.remove(stream);
			}
			else if (due.test(entry.getValue())) {
				streams.add(stream);
			}
		}
		this.subscriptions.unsubscribeUnless(this.inUse);
		return streams;
	}

	/**
	 * Notes that housekeeping touched a followed stream and checks its head, as
	 * {@link #checkHead} does.
	 * @param head the stream's head as the touch read it, or {@code null} when
	 * the stream had no lifetime
	 * @param at when the touch was sent, from {@link System#nanoTime()}
	 * @param keeps how long the touch keeps the stream's keys, in nanoseconds
	 */
	void touched(String stream, EventId head, long at, long keeps) {
		FollowedStream state = this.followed.get(stream);
		if (state == null) {
			return;
		}
		state.touched(at, keeps);
		if (head != null) {
			checkHead(stream, head);
		}
	}

	/**
	 * Notes that touching a followed stream failed: it is touched again at the
	 * next pass.
	 */
	void touchFailed(String stream) {
		FollowedStream state = this.followed.get(stream);
		if (state != null) {
			state.touchAgain();
		}
	}

	/**
	 * Whether Redis confirmed the subscription since the last call: the first
	 * time, or again after Lettuce reconnected it, when messages may have been
	 * lost.
	 */
	boolean takeResubscribed() {
		return this.resubscribed.getAndSet(false);
	}

	/**
	 * Compares a followed stream's head with what the live path delivered, and
	 * when the live path stayed behind for two checks in a row, reads the newest
	 * event from the history and passes it to the listeners again. Called from
	 * one thread at a time.
	 * @param head the stream's head, read from Redis in this pass
	 * @throws dev.ssereplay.store.StoreUnavailableException when the newest event
	 * could not be read
	 */
	void checkHead(String stream, EventId head) {
		FollowedStream state = this.followed.get(stream);
		if (state != null && state.lagsBehind(head)) {
			// A sharded subscription stays on the node that held the slot: after its
			// master died it hears nothing until made on the new master.
			this.subscriptions.resubscribeLater(stream);
			redeliverNewest(stream, head);
		}
	}

	/**
	 * Subscribes again when the first listener's subscription could not be made.
	 * @throws RuntimeException when it still cannot be made
	 */
	void resubscribeIfNeeded() {
		this.subscriptions.resubscribeIfNeeded();
	}

	/**
	 * Whether the feed subscribed and the subscription was not given up; while
	 * Lettuce reconnects it, it still counts.
	 */
	boolean isListening() {
		return this.subscriptions.isListening();
	}

	/**
	 * Returns how many times a listener threw.
	 */
	long listenerFailures() {
		return this.listeners.failures();
	}

	/**
	 * Unsubscribes and stops the listener thread. Idempotent.
	 */
	void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.subscriptions.close();
			this.listeners.close();
		}
	}

	// On Lettuce's event loop thread: live messages of the stream may have been
	// lost, while its subscription was away.
	private void interrupted(String stream) {
		FollowedStream state = this.followed.get(stream);
		if (state != null) {
			state.touchAgain();
		}
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
			FollowedStream state = this.followed.get(stream);
			if (state != null) {
				state.received(newest.id());
			}
			this.listeners.redeliver(newest);
		}
	}

}
