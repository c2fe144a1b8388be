package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * The live feed's one pattern subscription, on a connection of its own.
 * <p>
 * Once Redis has confirmed it, the subscription is kept by Lettuce, which
 * reconnects and subscribes again by itself when the connection drops; messages
 * published meanwhile are lost, which the {@link RedisLiveFeed} makes up for:
 * it is told each time Redis confirms the subscription, the first time and after
 * every reconnect. A
 * subscription that could not be made is made again by the next
 * {@link #subscribe()}.
 * <p>
 * Messages are handed over on Lettuce's event loop thread, which must not wait:
 * the handler passes them on to a thread of the feed's. Thread-safe.
 */
final class LiveSubscription implements MessageListener, SubscriptionListener {

	private final RedisConnectionFactory connectionFactory;

	private final byte[] pattern;

	private final Consumer<Message> handler;

	private final Runnable onSubscribed;

	private final long timeoutMillis;

	private volatile RedisConnection connection;

	private volatile CompletableFuture<Void> confirmed = new CompletableFuture<>();

	private boolean closed;

	/**
	 * Creates a subscription that is not made yet.
	 * @param handler called with each message, on Lettuce's event loop thread
	 * @param onSubscribed called each time Redis confirms the subscription, on
	 * Lettuce's event loop thread
	 */
	LiveSubscription(RedisConnectionFactory connectionFactory, String pattern, Consumer<Message> handler,
			Runnable onSubscribed, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.pattern = RedisKeys.bytes(pattern);
		this.handler = handler;
		this.onSubscribed = onSubscribed;
		this.timeoutMillis = timeout.toMillis();
	}

	/**
	 * Subscribes, unless subscribed already, and waits up to the timeout for Redis
	 * to confirm.
	 * @throws RuntimeException when the subscription could not be made
	 */
	synchronized void subscribe() {
		if (this.closed || isSubscribed()) {
			return;
		}
		release();
		CompletableFuture<Void> confirmation = new CompletableFuture<>();
		this.confirmed = confirmation;
		RedisConnection subscribing = this.connectionFactory.getConnection();
		this.connection = subscribing;
		try {
			subscribing.pSubscribe(this, this.pattern);
			confirmation.get(this.timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			release();
			throw new IllegalStateException("Interrupted while subscribing to live events", ex);
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			release();
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException("Redis did not confirm the subscription to live events within "
							+ this.timeoutMillis + " ms", ex);
		}
	}

	/**
	 * Whether Redis confirmed the subscription and it was not given up. While
	 * Lettuce reconnects it still counts as subscribed.
	 */
	boolean isSubscribed() {
		RedisConnection current = this.connection;
		return current != null && this.confirmed.isDone() && current.isSubscribed();
	}

	/**
	 * Ends the subscription for good: a later {@link #subscribe()} does nothing.
	 */
	synchronized void close() {
		this.closed = true;
		release();
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		this.handler.accept(message);
	}

	@Override
	public void onPatternSubscribed(byte[] pattern, long count) {
		this.confirmed.complete(null);
		// Also after Lettuce subscribed again on a new connection.
		this.onSubscribed.run();
	}

	private void release() {
		RedisConnection current = this.connection;
		this.connection = null;
		RedisNodes.closeSubscription(current);
	}

}
