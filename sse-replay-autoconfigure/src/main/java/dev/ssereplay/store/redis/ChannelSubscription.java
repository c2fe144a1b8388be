package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The live feed's subscriptions to the channels of the streams followed in this
 * process, one channel per stream, on a connection of its own: an instance
 * receives the events of its own streams only, not those of every stream.
 * <p>
 * {@link #subscribe} returns once Redis confirmed the channel, so that a head
 * read after it misses no event: an event appended after the read arrives
 * live. Lettuce keeps the subscriptions, and makes them again after a
 * reconnect, confirming each channel again, which the feed is told of: messages
 * published meanwhile are lost, which the {@link RedisLiveFeed} makes up for.
 * How a channel is subscribed to, with classic or sharded pub/sub, is the
 * {@link ChannelConnection}'s; a channel whose node may have changed is
 * subscribed to again by {@link #resubscribeLater}. The connection is closed
 * when its last channel is left; the next subscription opens a new one.
 * <p>
 * Subscribing and unsubscribing run on one thread of its own, in the order
 * asked, since Spring Data Redis waits for Redis's answer as long as the
 * connection factory's timeout: a caller waits at most the store's command
 * timeout, and a stream that gains a subscriber while it is being let go ends
 * up subscribed, since the subscription asked after the release runs after it.
 * Thread-safe.
 */
final class ChannelSubscription {

	private static final long RESUBSCRIBE_RETRY_MILLIS = 1000;

	// How long a resubscription waits for the others a failover asks for at the
	// same time, one notice per channel.
	private static final long RESUBSCRIBE_GATHER_MILLIS = 100;

	private final Supplier<ChannelConnection> connections;

	// Made by the first subscription. Used on the thread only.
	private ChannelConnection connection;

	private final long timeoutMillis;

	// The streams subscribed to, with their channels. Changed on the thread only.
	private final Map<String, byte[]> channels = new ConcurrentHashMap<>();

	private final ScheduledExecutorService thread;

	// Streams to subscribe to again at the next pass, which is scheduled when set.
	private final Set<String> resubscribing = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean resubscribeScheduled = new AtomicBoolean();

	private volatile boolean failing;

	/**
	 * Creates subscriptions that are made as streams are followed.
	 * @param connections makes the connection, which says how channels are
	 * subscribed to, when the first subscription is made; may throw, and is
	 * asked again by the next subscription
	 * @param timeout how long a caller of {@link #subscribe} waits at most
	 */
	ChannelSubscription(Supplier<ChannelConnection> connections, Duration timeout) {
		this.connections = connections;
		this.timeoutMillis = timeout.toMillis();
		this.thread = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread subscribing = new Thread(task, "sse-replay-redis-subscriptions");
			subscribing.setDaemon(true);
			return subscribing;
		});
	}

	/**
	 * Makes the connection on the subscriptions' thread, without subscribing to
	 * anything, unless made already; returns at once. Which kind of pub/sub it
	 * uses may have to be read from every Redis server first, which the first
	 * subscription, which a caller waits for, then need not do. A failure is
	 * left to the first subscription.
	 */
	void prepareLater() {
		try {
			this.thread.execute(() -> {
				if (this.connection == null) {
					try {
						this.connection = this.connections.get();
					}
					catch (RuntimeException ex) {
						// Made by the first subscription.
					}
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
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
	 * Subscribes again to a stream's channel, on the subscriptions' thread, when
	 * it is subscribed to: its node may have changed, or Redis ended the
	 * subscription. Returns at once. Streams asked for within a tenth of a second
	 * go together, in one pass that reads the cluster's topology once, however
	 * many streams a failover moved. A pass that fails is tried again a second later, until it
	 * succeeds or its streams are left, since the cluster's nodes may not agree
	 * yet on which master holds a slot.
	 */
	void resubscribeLater(String stream) {
		this.resubscribing.add(stream);
		scheduleResubscribe(RESUBSCRIBE_GATHER_MILLIS);
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
				closeConnection();
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed already.
		}
		this.thread.shutdown();
	}

	private void doSubscribe(String stream, byte[] channel) {
		boolean alive = isOpen();
		if (alive && this.channels.containsKey(stream)) {
			this.failing = false;
			return;
		}
		try {
			if (alive) {
				this.connection.subscribe(channel);
			}
			else {
				if (this.connection == null) {
					this.connection = this.connections.get();
				}
				List<byte[]> all = new ArrayList<>(this.channels.values());
				if (!this.channels.containsKey(stream)) {
					all.add(channel);
				}
				this.connection.open(all);
			}
			this.channels.put(stream, channel);
			this.failing = false;
		}
		catch (RuntimeException ex) {
			this.failing = true;
			if (!alive) {
				closeConnection();
			}
			throw ex;
		}
	}

	private void scheduleResubscribe(long delayMillis) {
		if (!this.resubscribeScheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.thread.schedule(this::resubscribe, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	private void resubscribe() {
		this.resubscribeScheduled.set(false);
		List<String> streams = new ArrayList<>();
		List<byte[]> again = new ArrayList<>();
		for (Iterator<String> pending = this.resubscribing.iterator(); pending.hasNext();) {
			String stream = pending.next();
			pending.remove();
			byte[] channel = this.channels.get(stream);
			if (channel != null) {
				streams.add(stream);
				again.add(channel);
			}
		}
		if (again.isEmpty()) {
			return;
		}
		try {
			if (isOpen()) {
				this.connection.resubscribe(again);
			}
			else {
				// The connection is gone: every channel is subscribed to again on a new
				// one.
				doSubscribe(streams.get(0), again.get(0));
			}
		}
		catch (RuntimeException ex) {
			this.resubscribing.addAll(streams);
			scheduleResubscribe(RESUBSCRIBE_RETRY_MILLIS);
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
		if (unused.isEmpty() || !isOpen()) {
			return;
		}
		this.connection.unsubscribe(unused);
		if (this.channels.isEmpty() || !isOpen()) {
			closeConnection();
		}
	}

	private boolean isOpen() {
		return this.connection != null && this.connection.isOpen();
	}

	private void closeConnection() {
		if (this.connection != null) {
			this.connection.close();
		}
	}

}
