package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.event.StreamNames;
import dev.ssereplay.store.EvictionReason;
import dev.ssereplay.store.IdempotentAppend;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamCompletedException;
import dev.ssereplay.store.StreamPage;
import dev.ssereplay.store.StreamStatus;
import dev.ssereplay.store.StreamSummary;

/**
 * A {@link ReplayStore} in Redis, shared by every instance of an application:
 * one history and one live fan-out per stream, whichever instance a client
 * publishes to or reconnects to.
 * <p>
 * Each stream is a Redis Stream of whole event frames beside a hash that holds
 * its epoch and sequence numbers (see {@link RedisKeys} for the names).
 * Appending is one Lua script that also trims the history and publishes the
 * frame, so the order of live messages is the order of the history; reading is
 * one script too (see {@link RedisStreamHistory}). Times are the Redis
 * server's, so instances with skewed clocks agree.
 * <p>
 * When a stream's keys disappear (idle for the time to live, flushed, evicted by
 * Redis under memory pressure, a Redis without persistence restarted), the next
 * append or read starts a new lifetime with a new random epoch, and ids from the
 * old one are answered {@link ResyncReason#OTHER_EPOCH}. So does, unless told to
 * keep epochs across restarts, a lifetime that began on another Redis server
 * process: a Redis that restarted from a snapshot or an append-only file written
 * every second, or a replica that took over, may have lost appends it had
 * acknowledged, and their sequence numbers must not be given to other events
 * under the same epoch. A stream with subscribers in this process is kept alive
 * by {@link #housekeep()}, so it keeps its epoch while idle.
 * <p>
 * Live events reach {@link #addListener listeners} through Redis pub/sub, on one
 * thread in the order received, for events appended by any instance including
 * this one; {@link #append} does not call them itself. Pub/sub is a hint: a
 * subscriber that sees a hole reads it from the history, and a last message lost
 * on the way is passed to the listeners again, from the history, once
 * {@link #housekeep()} has found the live path behind twice in a row.
 * <p>
 * While Redis is unreachable, {@link #append}, {@link #head} and
 * {@link #readAfter} throw {@link StoreUnavailableException}: at once while the
 * connection is down, before anything is sent (so such an append stored
 * nothing); after the command timeout when Redis does not answer (the command
 * may still run), and then at once for a second. Lettuce reconnects, and
 * resubscribes, by itself. Redis 6.2 or later is required.
 * <p>
 * On Redis Cluster (a cluster-aware connection factory) each stream lives on
 * the master of its hash tag's slot. Live events use sharded pub/sub on Redis 7
 * ({@link RedisPubSub}): each is published on its stream's master, which passes
 * it to its replicas only, and each channel is subscribed to on that master; a
 * subscription whose slot moved, or whose master died, is made again on the
 * master of the moment. With classic pub/sub the cluster delivers every event to
 * every node, and the subscriptions, on whichever node Lettuce chose, receive
 * the events of every master. A master that cannot be reached fails the calls
 * on its own streams only, and a replica that takes over is another server
 * process: its streams start new epochs, as after a restart.
 * <p>
 * Thread-safe.
 */
public final class RedisReplayStore implements ReplayStore, AutoCloseable {

	/** How many {@link #appendAsync} calls may await Redis's answer at once by default. */
	public static final int DEFAULT_MAX_IN_FLIGHT_APPENDS = 256;

	private final RedisKeys keys;

	private final ScriptRunner scripts;

	private final RedisLiveFeed liveFeed;

	private final AsyncAppends asyncAppends;

	private final RedisStreamHistory history;

	private final RedisStreamCatalog catalog;

	private final RedisHousekeeping housekeeping;

	private final PubSubMode pubSub;

	/**
	 * Starts building a store with the defaults of the {@code sse.replay.*}
	 * properties.
	 * @param connectionFactory the connection to Redis, shared with the
	 * application
	 * @return a builder
	 */
	public static RedisReplayStoreBuilder builder(LettuceConnectionFactory connectionFactory) {
		return new RedisReplayStoreBuilder(connectionFactory);
	}

	RedisReplayStore(LettuceConnectionFactory connectionFactory, String keyPrefix, RedisStoreSettings settings) {
		this.keys = new RedisKeys(keyPrefix);
		this.scripts = new ScriptRunner(connectionFactory, settings.commandTimeout());
		this.pubSub = new PubSubMode(settings.pubSub(), () -> RedisNodes.serverInfo(connectionFactory));
		this.liveFeed = new RedisLiveFeed(connectionFactory, this.keys, settings.commandTimeout(), this.pubSub, this);
		this.asyncAppends = new AsyncAppends(settings.maxInFlightAppends(), settings.commandTimeout());
		this.history = new RedisStreamHistory(this.scripts, this.keys, this.liveFeed, this.asyncAppends,
				settings.maxEventsPerStream(), settings.timeToLive(), settings.keepEpochAcrossRestarts(), this.pubSub);
		this.catalog = new RedisStreamCatalog(this.scripts, this.keys);
		this.housekeeping = new RedisHousekeeping(this.scripts, this.keys, this.liveFeed, settings.timeToLive(),
				(byAge) -> this.history.countEvictions(0, byAge));
	}

	@Override
	public StoredEvent append(String stream, SseEvent event) {
		StreamNames.check(stream);
		return this.history.append(stream, event);
	}

	/**
	 * Appends an event unless an append of the stream's lifetime used the key,
	 * in the append's own script: two instances that receive the same retry
	 * store it once. The key is kept in a key of its own in the stream's slot,
	 * for the time to live.
	 */
	@Override
	public IdempotentAppend appendOnce(String stream, SseEvent event, IdempotencyKey key) {
		StreamNames.check(stream);
		Objects.requireNonNull(key, "key");
		return this.history.appendOnce(stream, event, key);
	}

	/**
	 * Sends an append with an idempotency key without waiting for Redis, as
	 * {@link #appendAsync} does.
	 */
	@Override
	public CompletableFuture<IdempotentAppend> appendOnceAsync(String stream, SseEvent event, IdempotencyKey key) {
		StreamNames.check(stream);
		Objects.requireNonNull(key, "key");
		if (!this.scripts.sharesConnection()) {
			return ReplayStore.super.appendOnceAsync(stream, event, key);
		}
		return this.history.appendOnceAsync(stream, event, key);
	}

	@Override
	public StoredEvent complete(String stream, SseEvent finalEvent, Duration keepFor) {
		StreamNames.check(stream);
		return this.history.complete(stream, finalEvent, keepFor);
	}

	/**
	 * Removes the stream's history at once and ends its lifetime, in one script:
	 * the final event is published to every instance but not stored, and the
	 * stream's meta key stays, marked deleted, for the time to live.
	 */
	@Override
	public StoredEvent delete(String stream, SseEvent finalEvent) {
		StreamNames.check(stream);
		return this.history.delete(stream, finalEvent);
	}

	/**
	 * Sends the append script without waiting for Redis, so that many appends
	 * can be on their way on the one shared connection: appends to a stream made
	 * one after another from one thread get their sequence numbers in that order,
	 * dense, as with {@link #append}, since Redis runs a connection's commands in
	 * the order sent (on Redis Cluster, a stream's appends all go to the master of
	 * its slot).
	 * <p>
	 * Bounded: while {@code maxInFlightAppends} appends await Redis's answer,
	 * sent or queued, a call waits for one of them, at most the command timeout,
	 * since each is answered or fails within it; a publisher faster than Redis is
	 * slowed to its pace. The call may also wait one round trip to load the
	 * scripts into Redis, the first time and after Redis lost them. So it must not
	 * be called on Lettuce's I/O thread.
	 * <p>
	 * Coalesced: a stream has at most two script calls on their way; appends to
	 * it beyond that queue in call order and go together, up to a batch, in one
	 * script call when one of the two is answered, stored and published in order,
	 * all or none (see {@code AsyncAppends}). A lone append is sent at once; a
	 * queued one waits for its stream's calls before it, so its future may take
	 * longer than one command timeout.
	 * <p>
	 * The future completes on Lettuce's I/O thread: what depends on it must not
	 * block (use the {@code ...Async} methods of {@link CompletableFuture} with an
	 * executor of its own). It fails with {@link StoreUnavailableException} when
	 * the event was not stored, or, after the command timeout, may have been; and
	 * with {@link StreamCompletedException} when the stream has ended. An append
	 * that failed is not retried: appends sent after it may be stored, in their
	 * order. In particular, when Redis lost its scripts (a restart, a failover,
	 * {@code SCRIPT FLUSH}) the appends sent meanwhile fail rather than being sent
	 * again after later ones. While a Redis Cluster moves the stream's slot to
	 * another master (a failover, resharding), appends on their way may be
	 * redirected there after later ones, and so stored out of the order sent,
	 * still densely; and the two calls of a stream sent before Lettuce has
	 * connected to its master at all (the process's first use of that master,
	 * or a newly promoted one) may be written in reverse order, since Lettuce
	 * may send what waited for a connection newest first. Use {@link #append} where
	 * even that must not happen.
	 * <p>
	 * With a connection factory that does not share its native connection, every
	 * call would take a connection of its own, with no order between them: the
	 * append is then made at once, as {@link #append} does, and the future is
	 * complete when this returns.
	 * @throws dev.ssereplay.event.InvalidStreamNameException at once, when the
	 * stream name is invalid
	 */
	@Override
	public CompletableFuture<StoredEvent> appendAsync(String stream, SseEvent event) {
		StreamNames.check(stream);
		if (!this.scripts.sharesConnection()) {
			return ReplayStore.super.appendAsync(stream, event);
		}
		return this.history.appendAsync(stream, event);
	}

	@Override
	public StreamStatus status(String stream) {
		StreamNames.check(stream);
		return this.history.status(stream);
	}

	@Override
	public EventId head(String stream) {
		StreamNames.check(stream);
		return this.history.status(stream).head();
	}

	@Override
	public StreamSummary summary(String stream) {
		StreamNames.check(stream);
		return this.catalog.summary(stream);
	}

	/**
	 * Lists streams in the order of a Redis {@code SCAN} over their meta keys; a
	 * page's {@code next} is the scan's cursor. With Redis Cluster every master is
	 * scanned in turn, and the cursor also names the master; a failover while
	 * paging may list a stream twice or miss one.
	 * @throws IllegalArgumentException when {@code from} is not a {@code next}
	 * this store returned
	 */
	@Override
	public StreamPage streams(String from, int limit) {
		checkLimit(limit);
		return this.catalog.streams(from, limit);
	}

	@Override
	public ReadResult readAfter(String stream, EventId after, int limit) {
		StreamNames.check(stream);
		checkLimit(limit);
		return this.history.readAfter(stream, after, limit);
	}

	/**
	 * Reads as {@link #readAfter} does, on Lettuce's asynchronous API: the future
	 * completes on Lettuce's I/O thread, or fails with a
	 * {@link StoreUnavailableException} as {@link #readAfter} throws it.
	 */
	@Override
	public CompletableFuture<ReadResult> readAfterAsync(String stream, EventId after, int limit) {
		StreamNames.check(stream);
		checkLimit(limit);
		return this.history.readAfterAsync(stream, after, limit);
	}

	/**
	 * Registers a listener for every event appended by any instance, or, when
	 * {@link #retainWhile} was called before the first listener, for every event
	 * of the streams in use here that this store has read. Without
	 * {@code retainWhile}, the first listener subscribes this store to the events
	 * of all streams; this waits up to the command timeout for the subscription,
	 * and when Redis cannot be reached, subscribing is retried every second by
	 * {@link #housekeep()}.
	 * @param listener called for each event, on the store's listener thread
	 * @throws IllegalStateException when the store uses sharded pub/sub and
	 * {@code retainWhile} was not called: sharded pub/sub cannot subscribe to
	 * every stream at once
	 */
	@Override
	public void addListener(Consumer<StoredEvent> listener) {
		this.liveFeed.addListener(listener);
	}

	/**
	 * Sets which streams have subscribers in this process: those are kept alive
	 * and their live path watched. Called before the first listener is added, it
	 * also makes the store receive the events of those streams only: reading a
	 * stream in use subscribes to its channel first, and waits up to the command
	 * timeout for Redis to confirm (failing with {@link StoreUnavailableException}
	 * otherwise), so that no event after the head read is missed, and leaves the
	 * channel once the stream has no subscribers here: an instance receives the
	 * events of its own streams only, at the cost of one channel subscription per
	 * followed stream.
	 */
	@Override
	public void retainWhile(Predicate<String> inUse) {
		this.liveFeed.followWhile(inUse);
	}

	/**
	 * Keeps the streams that have subscribers in this process alive, so that they
	 * keep their epoch while idle, removes their events that outlived the time to
	 * live, and repairs the live path: resubscribes when subscribing failed, and
	 * passes a subscribed stream's newest event to the listeners again when its
	 * live message did not arrive. Other streams expire by themselves in Redis,
	 * a time to live after their last event. Called every second by the broker;
	 * returns at once, the work runs on the store's housekeeping thread, and a
	 * call made while the previous one still runs is dropped. A call sends one
	 * script for each followed stream that needs it, not for every one: one that
	 * no append refreshed for about half the time to live, one with recent live
	 * messages, every one after the subscription was made again or Redis came
	 * back, and each one every 30 s (see {@link RedisHousekeeping}).
	 */
	@Override
	public void housekeep() {
		this.housekeeping.request();
	}

	/**
	 * Returns -1: the history is shared by every instance and kept in Redis, whose
	 * own figures ({@code XLEN} of each {@code <prefix>{<stream>}:log} key) count
	 * it; a per-instance count would mislead when summed across instances.
	 * @return -1
	 */
	@Override
	public long eventCount() {
		return -1;
	}

	/**
	 * Returns -1: the bytes the history takes are Redis's to report
	 * ({@code MEMORY USAGE}, {@code INFO memory}); Redis's {@code maxmemory} bounds
	 * them.
	 * @return -1
	 */
	@Override
	public long byteCount() {
		return -1;
	}

	/**
	 * Returns how many times a listener threw while live events were handed to
	 * the listeners of this instance.
	 * @return failures since the store started
	 */
	@Override
	public long listenerFailures() {
		return this.liveFeed.listenerFailures();
	}

	/**
	 * Returns the number of events removed from the shared history by this
	 * process's appends and reads, to keep the count bound or because they
	 * outlived the time to live. Keys that Redis expires or evicts as a whole are
	 * not counted: subscribers of such a stream get a resync.
	 * @param reason the bound
	 * @return events removed since the store started; always 0 for
	 * {@link EvictionReason#BYTES}, which Redis's {@code maxmemory} enforces
	 */
	@Override
	public long evictions(EvictionReason reason) {
		return this.history.evictions(reason);
	}

	/**
	 * Returns how many {@link #appendAsync} calls await Redis's answer.
	 * @return appends in flight
	 */
	int appendsInFlight() {
		return this.asyncAppends.inFlight();
	}

	/**
	 * Sends a PING to Redis, whatever the recent failures.
	 * @return the round trip time
	 * @throws StoreUnavailableException when Redis did not answer within the
	 * command timeout
	 */
	public Duration ping() {
		return this.scripts.ping();
	}

	/**
	 * Whether this store receives live events: it subscribed, and the
	 * subscription was not given up. While Lettuce reconnects a subscription it
	 * still counts as listening.
	 * @return {@code true} when subscribed
	 */
	public boolean isListening() {
		return this.liveFeed.isListening();
	}

	/**
	 * Whether the last command reached Redis.
	 * @return {@code false} while commands fail fast after a failure
	 */
	public boolean isReachable() {
		return this.scripts.isReachable();
	}

	/**
	 * Returns the kind of pub/sub this store uses. With {@link RedisPubSub#AUTO}
	 * the kind is decided the first time it is needed, this call included, from
	 * the Redis servers' version.
	 * @return {@link RedisPubSub#SHARDED} or {@link RedisPubSub#CLASSIC}, or
	 * {@link RedisPubSub#AUTO} while the servers' version could not be read yet
	 */
	public RedisPubSub pubSub() {
		return this.pubSub.inUse();
	}

	/**
	 * Returns what every key and channel name of this store starts with.
	 * @return the key prefix
	 */
	public String keyPrefix() {
		return this.keys.prefix();
	}

	/**
	 * Unsubscribes from live events and stops the store's threads. Does not close
	 * the connection factory, which belongs to the application. Idempotent.
	 */
	@Override
	public void close() {
		if (this.housekeeping.close()) {
			this.liveFeed.close();
		}
	}

	private static void checkLimit(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
	}

}
