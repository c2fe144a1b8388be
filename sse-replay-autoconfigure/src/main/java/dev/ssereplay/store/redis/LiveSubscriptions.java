package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * The live feed's subscriptions, made when its first listener is added: one
 * {@link ChannelSubscription} per followed stream, with classic or sharded
 * pub/sub as {@link PubSubMode} decided, when the feed follows the streams with
 * subscribers here; otherwise one {@link LiveSubscription} to every stream's
 * channel by pattern, which only classic pub/sub has.
 * <p>
 * Whenever messages of a stream may have been lost (Redis confirmed its channel
 * again after a reconnect, or ended its subscription unasked), the feed is told
 * which stream, and a subscription Redis ended is made again; whenever the
 * pattern subscription is confirmed, the feed is told that every stream may
 * have lost messages. Thread-safe.
 */
final class LiveSubscriptions {

	// Under the store's name: the one type of this package that users see and set
	// log levels for.
	private static final Logger logger = LoggerFactory.getLogger(RedisReplayStore.class);

	private final LettuceConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final Duration commandTimeout;

	private final PubSubMode pubSub;

	private final Consumer<Message> handler;

	private final Consumer<String> onStreamInterrupted;

	private final Runnable onAllInterrupted;

	private volatile LiveSubscription pattern;

	private volatile ChannelSubscription channels;

	// Guarded by this.
	private boolean closed;

	/**
	 * @param handler called with each message, on Lettuce's event loop thread
	 * @param onStreamInterrupted called with a stream whose live messages may have
	 * been lost, on Lettuce's event loop thread
	 * @param onAllInterrupted called each time Redis confirms the pattern
	 * subscription, on Lettuce's event loop thread
	 */
	LiveSubscriptions(LettuceConnectionFactory connectionFactory, RedisKeys keys, Duration commandTimeout,
			PubSubMode pubSub, Consumer<Message> handler, Consumer<String> onStreamInterrupted,
			Runnable onAllInterrupted) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.commandTimeout = commandTimeout;
		this.pubSub = pubSub;
		this.handler = handler;
		this.onStreamInterrupted = onStreamInterrupted;
		this.onAllInterrupted = onAllInterrupted;
	}

	/**
	 * Whether {@link #start} was called.
	 */
	boolean isStarted() {
		return this.pattern != null || this.channels != null;
	}

	/**
	 * Sets the subscriptions up, once: per followed stream, made as streams are
	 * read, on a connection whose kind of pub/sub is decided now, without
	 * waiting; or one pattern for every stream, made now, waiting up to the
	 * command timeout; a pattern subscription that fails is logged, and made
	 * again by {@link #resubscribeIfNeeded()}.
	 * @param perStream whether the feed follows the streams with subscribers here
	 * @throws IllegalStateException when every stream is to be listened to with
	 * sharded pub/sub
	 */
	synchronized void start(boolean perStream) {
		if (isStarted() || this.closed) {
			return;
		}
		if (perStream) {
			this.channels = new ChannelSubscription(this::channelConnection, this.commandTimeout);
			this.channels.prepareLater();
			return;
		}
		LiveSubscription created = new LiveSubscription(this.connectionFactory, this.keys.pattern(), this.handler,
				this.onAllInterrupted, this.commandTimeout);
		try {
			checkPatternPossible();
		}
		catch (StoreUnavailableException ex) {
			// The kind is not known yet: subscribed by resubscribeIfNeeded once it is.
			this.pattern = created;
			logger.warn("Redis replay store could not subscribe to live events yet; retrying every second: {}",
					ex.toString());
			return;
		}
		this.pattern = created;
		try {
			created.subscribe();
		}
		catch (RuntimeException ex) {
			logger.warn("Redis replay store could not subscribe to live events yet; retrying every second: {}",
					ex.toString());
		}
	}

	/**
	 * Subscribes to a stream's channel, when subscriptions are per stream, and
	 * returns once Redis confirmed.
	 * @throws StoreUnavailableException when Redis did not confirm
	 */
	void subscribe(String stream) {
		ChannelSubscription current = this.channels;
		if (current == null) {
			return;
		}
		try {
			current.subscribe(stream, this.keys.channel(stream));
		}
		catch (RuntimeException ex) {
			throw unavailable(stream, ex);
		}
	}

	/**
	 * Subscribes as {@link #subscribe} does, without waiting.
	 * @return a future that completes once Redis confirmed, at once when there is
	 * nothing to subscribe to, or fails with a {@link StoreUnavailableException}
	 */
	CompletableFuture<Void> subscribeAsync(String stream) {
		ChannelSubscription current = this.channels;
		if (current == null) {
			return CompletableFuture.completedFuture(null);
		}
		return current.subscribeAsync(stream, this.keys.channel(stream)).exceptionallyCompose((failure) -> {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			return CompletableFuture.failedFuture(unavailable(stream, cause));
		});
	}

	/**
	 * Subscribes to a stream's channel without waiting, when subscriptions are
	 * per stream; a failure is left to the next read.
	 */
	void subscribeLater(String stream) {
		ChannelSubscription current = this.channels;
		if (current != null) {
			current.subscribeLater(stream, this.keys.channel(stream));
		}
	}

	/**
	 * Subscribes again to a stream's channel without waiting, when subscriptions
	 * are per stream: its node may have changed.
	 */
	void resubscribeLater(String stream) {
		ChannelSubscription current = this.channels;
		if (current != null) {
			current.resubscribeLater(stream);
		}
	}

	/**
	 * Leaves the channels of the streams no longer in use, without waiting.
	 */
	void unsubscribeUnless(Predicate<String> inUse) {
		ChannelSubscription current = this.channels;
		if (current != null) {
			current.unsubscribeUnless(inUse);
		}
	}

	/**
	 * Makes the pattern subscription again when it could not be made.
	 * @throws RuntimeException when it still cannot be made
	 */
	void resubscribeIfNeeded() {
		LiveSubscription current = this.pattern;
		if (current == null || current.isSubscribed()) {
			return;
		}
		checkPatternPossible();
		current.subscribe();
		logger.info("Redis replay store subscribed to live events");
	}

	/**
	 * Whether the subscriptions were made and not given up; while Lettuce
	 * reconnects them, they still count.
	 */
	boolean isListening() {
		ChannelSubscription perStream = this.channels;
		if (perStream != null) {
			return perStream.isSubscribed();
		}
		LiveSubscription current = this.pattern;
		return current != null && current.isSubscribed();
	}

	/**
	 * Ends the subscriptions for good. Idempotent.
	 */
	void close() {
		LiveSubscription current;
		ChannelSubscription perStream;
		synchronized (this) {
			this.closed = true;
			current = this.pattern;
			perStream = this.channels;
		}
		if (current != null) {
			current.close();
		}
		if (perStream != null) {
			perStream.close();
		}
	}

	// On the subscriptions' thread, when the first channel is subscribed to.
	private ChannelConnection channelConnection() {
		if (this.pubSub.sharded()) {
			return new ShardedChannels(this.connectionFactory, this.handler, this::channelSubscribed,
					this::channelDropped, this.commandTimeout);
		}
		return new ClassicChannels(this.connectionFactory, this.handler, this::channelSubscribed);
	}

	// Sharded pub/sub has no pattern subscription: listening to every stream
	// takes classic pub/sub, on every instance. Throws StoreUnavailableException
	// while the kind cannot be known yet.
	private void checkPatternPossible() {
		if (this.pubSub.sharded()) {
			throw new IllegalStateException("A Redis replay store with sharded pub/sub (sse.replay.redis.pub-sub "
					+ this.pubSub.setting().name().toLowerCase(Locale.ROOT) + ") delivers the events of "
					+ "the streams it follows only: call retainWhile before the first listener, as the broker "
					+ "does, or use classic pub/sub on every instance");
		}
	}

	// On Lettuce's event loop thread: Redis ended a channel's subscription unasked,
	// as it does when the channel's slot moved to another master.
	private void channelDropped(byte[] channel) {
		String stream = this.keys.streamOf(channel);
		if (stream == null) {
			return;
		}
		logger.debug("Redis ended the subscription to the live events of stream '{}'; subscribing again", stream);
		this.onStreamInterrupted.accept(stream);
		resubscribeLater(stream);
	}

	// On Lettuce's event loop thread: messages published on the channel while it
	// was away, after a reconnect, are lost.
	private void channelSubscribed(byte[] channel) {
		String stream = this.keys.streamOf(channel);
		if (stream != null) {
			this.onStreamInterrupted.accept(stream);
		}
	}

	private static StoreUnavailableException unavailable(String stream, Throwable cause) {
		return new StoreUnavailableException(
				"Could not subscribe to live events of stream '" + stream + "': " + cause.getMessage(), cause);
	}

}
