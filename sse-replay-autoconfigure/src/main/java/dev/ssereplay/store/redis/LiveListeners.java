package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.Message;

import dev.ssereplay.event.StoredEvent;

/**
 * The listeners of a {@link RedisLiveFeed} and the one thread that calls them:
 * decodes each pub/sub message received into an event of its stream, notes it
 * on the stream's {@link FollowedStream} when the stream is followed, and passes
 * it to every listener; also passes on again an event that the feed read from
 * the history because its live message was lost. Listeners are called one event
 * at a time, in the order the events were handed over; one that throws is
 * counted and logged, and the others still get the event.
 * <p>
 * Thread-safe: listeners may be added from any thread, messages arrive on
 * Lettuce's event loop thread, which this never makes wait, and listeners run
 * on the listener thread only.
 */
final class LiveListeners {

	// Under the store's name: the one type of this package that users see and set
	// log levels for.
	private static final Logger logger = LoggerFactory.getLogger(RedisReplayStore.class);

	private final RedisKeys keys;

	private final Function<String, FollowedStream> followed;

	private final List<Consumer<StoredEvent>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong failures = new AtomicLong();

	// Runs listeners, one event at a time in the order received.
	private final ExecutorService listenerThread;

	/**
	 * Creates the listeners' thread.
	 * @param keys which stream a channel is the channel of
	 * @param followed the state of a followed stream, or {@code null} for a
	 * stream that is not followed
	 */
	LiveListeners(RedisKeys keys, Function<String, FollowedStream> followed) {
		this.keys = keys;
		this.followed = followed;
		this.listenerThread = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "sse-replay-redis-listener");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Registers a listener for every event passed on from now.
	 */
	void add(Consumer<StoredEvent> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Hands a message received on a stream's channel over to the listener
	 * thread, which decodes it and passes it on; a message on another channel,
	 * or one that this store did not publish, is ignored. Never waits: called on
	 * Lettuce's event loop thread.
	 */
	void received(Message message) {
		long arrived = System.nanoTime();
		execute(() -> onMessage(message, arrived));
	}

	/**
	 * Passes an event on again, after the events handed over before it.
	 */
	void redeliver(StoredEvent event) {
		execute(() -> deliver(event));
	}

	/**
	 * Returns how many times a listener threw.
	 */
	long failures() {
		return this.failures.get();
	}

	/**
	 * Stops the listener thread; events handed over later are dropped.
	 */
	void close() {
		this.listenerThread.shutdownNow();
	}

	private void execute(Runnable task) {
		try {
			this.listenerThread.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	private void onMessage(Message message, long arrived) {
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
		FollowedStream state = this.followed.apply(stream);
		if (state != null) {
			state.received(event.id());
			// Each live message is an append, which kept the stream's keys alive.
			state.appended(arrived);
		}
		deliver(event);
	}

	private void deliver(StoredEvent event) {
		for (Consumer<StoredEvent> listener : this.listeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				this.failures.incrementAndGet();
				logger.warn("Listener failed for event {} of stream '{}'", event.id(), event.stream(), ex);
			}
		}
	}

}
