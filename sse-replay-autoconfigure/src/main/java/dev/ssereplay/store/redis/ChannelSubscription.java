package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * The live feed's subscriptions to the channels of the streams followed in this
 * process, one channel per stream, on a connection of its own: an instance
 * receives the events of its own streams only, not those of every stream.
 * <p>
 * {@link #subscribe} returns once Redis confirmed the channel, so that a head
 * read after it misses no event: an event appended after the read arrives
 * live. Lettuce keeps the subscriptions, and makes them again after a
 * reconnect, confirming each channel again, which {@code onSubscribed} is told
 * of: messages published meanwhile are lost, which the {@link RedisLiveFeed}
 * makes up for. Spring Data Redis closes the connection when its last channel
 * is left; the next subscription opens a new one.
 * <p>
 * Subscribing and unsubscribing run on one thread of its own, in the order
 * asked, since Spring Data Redis waits for Redis's answer as long as the
 * connection factory's timeout: a caller waits at most the store's command
 * timeout, and a stream that gains a subscriber while it is being let go ends
 * up subscribed, since the subscription asked after the release runs after it.
 * Messages are handed over on Lettuce's event loop thread, which must not wait.
 * Thread-safe.
 */
final class ChannelSubscription implements MessageListener, SubscriptionListener {

	private final RedisConnectionFactory connectionFactory;

	private final Consumer<Message> handler;

	private final Consumer<byte[]> onSubscribed;

	private final long timeoutMillis;

	// The streams subscribed to, with their channels. Changed on the thread only.
	private final Map<String, byte[]> channels = new ConcurrentHashMap<>();

	private final ExecutorService thread;

	// Used on the thread only.
	private RedisConnection connection;

	private volatile boolean failing;

	/**
	 * Creates subscriptions that are made as streams are followed.
	 * @param handler called with each message, on Lettuce's event loop thread
	 * @param onSubscribed called with the channel each time Redis confirms one,
	 * on Lettuce's event loop thread
	 * @param timeout how long a caller of {@link #subscribe} waits at most
	 */
	ChannelSubscription(RedisConnectionFactory connectionFactory, Consumer<Message> handler,
			Consumer<byte[]> onSubscribed, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.handler = handler;
		this.onSubscribed = onSubscribed;
		this.timeoutMillis = timeout.toMillis();
		this.thread = Executors.newSingleThreadExecutor((task) -> {
			Thread subscribing = new Thread(task, "sse-replay-redis-subscriptions");
			subscribing.setDaemon(true);
			return subscribing;
		});
	}

	/**
	 * Subscribes to a stream's channel unless subscribed already, and returns once
	 * Redis confirmed it. When the connection was lost for good, subscribes to the
	 * channels of every stream subscribed before on a new one.
	 * @throws IllegalStateException when the subscription was not confirmed
	 * within the timeout, or failed
	 */
	void subscribe(String stream, byte[] channel) {
		if (this.channels.containsKey(stream) && !this.failing) {
			return;
		}
		Future<?> done;
		try {
			done = this.thread.submit(() -> doSubscribe(stream, channel));
		}
		catch (RejectedExecutionException ex) {
			// Closed.
			return;
		}
		try {
			done.get(this.timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while subscribing to live events", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Could not subscribe: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Redis did not confirm the subscription within " + this.timeoutMillis
					+ " ms", ex);
		}
	}

	/**
	 * Subscribes as {@link #subscribe} does, without waiting.
	 * @return a future that completes once Redis confirmed the channel, or fails
	 * when it did not within the timeout, or failed
	 */
	CompletableFuture<Void> subscribeAsync(String stream, byte[] channel) {
		if (this.channels.containsKey(stream) && !this.failing) {
			return CompletableFuture.completedFuture(null);
		}
		try {
			return CompletableFuture.runAsync(() -> doSubscribe(stream, channel), this.thread)
				.orTimeout(this.timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed.
			return CompletableFuture.completedFuture(null);
		}
	}

	/**
	 * Subscribes to a stream's channel unless subscribed already, on the
	 * subscriptions' thread; returns at once, and a subscription that fails is
	 * left to the next call.
	 */
	void subscribeLater(String stream, byte[] channel) {
		if (this.channels.containsKey(stream) && !this.failing) {
			return;
		}
		try {
			this.thread.execute(() -> {
				try {
					doSubscribe(stream, channel);
				}
				catch (RuntimeException ex) {
					// Marked as failing: the next subscription tries again.
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	/**
	 * Unsubscribes from the channels of the streams no longer in use, on the
	 * subscriptions' thread; returns at once.
	 */
	void unsubscribeUnless(Predicate<String> inUse) {
		try {
			this.thread.execute(() -> doUnsubscribeUnless(inUse));
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	/**
	 * Whether the last subscription made was confirmed.
	 */
	boolean isSubscribed() {
		return !this.failing;
	}

	/**
	 * Ends the subscriptions for good, after those in progress.
	 */
	void close() {
		try {
			this.thread.execute(() -> {
				this.channels.clear();
				release();
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed already.
		}
		this.thread.shutdown();
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		this.handler.accept(message);
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		this.onSubscribed.accept(channel);
	}

	private void doSubscribe(String stream, byte[] channel) {
		RedisConnection current = this.connection;
		boolean alive = current != null && current.isSubscribed();
		if (alive && this.channels.containsKey(stream)) {
			this.failing = false;
			return;
		}
		try {
			if (alive) {
				current.getSubscription().subscribe(channel);
			}
			else {
				release();
				List<byte[]> all = new ArrayList<>(this.channels.values());
				if (!this.channels.containsKey(stream)) {
					all.add(channel);
				}
				RedisConnection subscribing = this.connectionFactory.getConnection();
				this.connection = subscribing;
				subscribing.subscribe(this, all.toArray(new byte[0][]));
			}
			this.channels.put(stream, channel);
			this.failing = false;
		}
		catch (RuntimeException ex) {
			this.failing = true;
			if (!alive) {
				release();
			}
			throw ex;
		}
	}

	private void doUnsubscribeUnless(Predicate<String> inUse) {
		List<byte[]> unused = new ArrayList<>();
		for (Iterator<Map.Entry<String, byte[]>> entries = this.channels.entrySet().iterator(); entries.hasNext();) {
			Map.Entry<String, byte[]> entry = entries.next();
			if (!inUse.test(entry.getKey())) {
				unused.add(entry.getValue());
				entries.remove();
			}
		}
		RedisConnection current = this.connection;
		if (unused.isEmpty() || current == null || !current.isSubscribed()) {
			return;
		}
		try {
			current.getSubscription().unsubscribe(unused.toArray(new byte[0][]));
		}
		catch (RuntimeException ex) {
			// Still subscribed to channels nobody follows here: their messages are ignored.
		}
		if (this.channels.isEmpty() || !current.isSubscribed()) {
			release();
		}
	}

	private void release() {
		RedisConnection current = this.connection;
		this.connection = null;
		RedisNodes.closeSubscription(current);
	}

}
