package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.event.StreamNames;
import dev.ssereplay.store.EvictionReason;
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
 * Each stream is a Redis Stream of whole event frames with ids
 * {@code <sequence>-0}, beside a hash that holds the stream's epoch, its last
 * sequence number and the last one removed for its age (see {@link RedisKeys}
 * for the names). Appending is one Lua script that assigns the next sequence
 * number, stores the frame, trims the history to {@code maxEventsPerStream} and
 * {@code timeToLive}, keeps both keys alive for the time to live, and publishes
 * the frame: so the order of live messages is the order of the history. Reading
 * is one script too, which answers the events after a position or exactly why
 * it cannot. Times are the Redis server's, so instances with skewed clocks agree.
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
 * {@link #housekeep()} has found the live path behind twice in a row. The
 * subscription, the listener thread and that repair are {@link RedisLiveFeed}'s;
 * this class holds the commands, the decoding of their replies and the handling
 * of outages.
 * <p>
 * While Redis is unreachable, {@link #append}, {@link #head} and
 * {@link #readAfter} throw {@link StoreUnavailableException}: at once while the
 * connection is down, before anything is sent (so such an append stored
 * nothing); after the command timeout when Redis does not answer (the command
 * may still run), and then at once for a second. Lettuce reconnects, and
 * resubscribes, by itself. Redis 6.2 or later is required.
 * <p>
 * On Redis Cluster (a cluster-aware connection factory) each stream lives on
 * the master of its hash tag's slot. Live events use classic pub/sub, which the
 * cluster delivers to every node, so the one pattern subscription, on whichever
 * node Lettuce chose and moved to another when that node fails, receives the
 * events of every master. A master that cannot be reached fails the calls on
 * its own streams only, and a replica that takes over is another server
 * process: its streams start new epochs, as after a restart.
 * <p>
 * Thread-safe.
 */
public final class RedisReplayStore implements ReplayStore, AutoCloseable {

	/** How many {@link #appendAsync} calls may await Redis's answer at once by default. */
	public static final int DEFAULT_MAX_IN_FLIGHT_APPENDS = 256;

	private static final int STATUS_EVENTS = 0;

	private static final int STATUS_OTHER_EPOCH = 1;

	private static final int STATUS_UNKNOWN = 2;

	private static final int STATUS_EVICTED = 3;

	private static final int STATUS_EXPIRED = 4;

	private static final int STATUS_DELETED = 5;

	private final RedisKeys keys;

	private final ScriptRunner scripts;

	private final byte[] maxEventsArgument;

	private final Duration timeToLive;

	private final byte[] timeToLiveArgument;

	private final byte[] checkServerArgument;

	private final RedisLiveFeed liveFeed;

	private final RedisStreamCatalog catalog;

	private final RedisHousekeeping housekeeping;

	private final AtomicLong[] evictions = { new AtomicLong(), new AtomicLong(), new AtomicLong() };

	private final AsyncAppends asyncAppends;

	/**
	 * Creates a store. It does not connect until it is first used, and subscribes
	 * to live events when the first listener is added.
	 * @param connectionFactory the connection to Redis, shared with the application
	 * @param keyPrefix what every key and channel name starts with; no curly
	 * braces, which would change the Redis Cluster hash tag
	 * @param maxEventsPerStream the most events kept per stream, positive
	 * @param timeToLive how long an event is kept, at least a millisecond
	 * @param commandTimeout how long a command may take before it fails, positive
	 * @param keepEpochAcrossRestarts whether a stream keeps its epoch when the
	 * Redis server restarts or another one takes over; safe only when Redis never
	 * loses a write it acknowledged, otherwise sequence numbers of lost events
	 * would be given again in the same epoch and clients that saw them would miss
	 * their replacements without being told
	 */
	public RedisReplayStore(LettuceConnectionFactory connectionFactory, String keyPrefix, int maxEventsPerStream,
			Duration timeToLive, Duration commandTimeout, boolean keepEpochAcrossRestarts) {
		this(connectionFactory, keyPrefix, maxEventsPerStream, timeToLive, commandTimeout, keepEpochAcrossRestarts,
				DEFAULT_MAX_IN_FLIGHT_APPENDS);
	}

	/**
	 * Creates a store. It does not connect until it is first used, and subscribes
	 * to live events when the first listener is added.
	 * @param connectionFactory the connection to Redis, shared with the application
	 * @param keyPrefix what every key and channel name starts with; no curly
	 * braces, which would change the Redis Cluster hash tag
	 * @param maxEventsPerStream the most events kept per stream, positive
	 * @param timeToLive how long an event is kept, at least a millisecond
	 * @param commandTimeout how long a command may take before it fails, positive
	 * @param keepEpochAcrossRestarts whether a stream keeps its epoch when the
	 * Redis server restarts or another one takes over; safe only when Redis never
	 * loses a write it acknowledged, otherwise sequence numbers of lost events
	 * would be given again in the same epoch and clients that saw them would miss
	 * their replacements without being told
	 * @param maxInFlightAppends the most {@link #appendAsync} calls sent to Redis
	 * and not answered yet, positive; a call beyond it waits
	 */
	public RedisReplayStore(LettuceConnectionFactory connectionFactory, String keyPrefix, int maxEventsPerStream,
			Duration timeToLive, Duration commandTimeout, boolean keepEpochAcrossRestarts, int maxInFlightAppends) {
		if (maxEventsPerStream < 1) {
			throw new IllegalArgumentException("maxEventsPerStream must be positive, was " + maxEventsPerStream);
		}
		if (timeToLive.toMillis() < 1) {
			throw new IllegalArgumentException("timeToLive must be at least a millisecond, was " + timeToLive);
		}
		if (commandTimeout.isNegative() || commandTimeout.isZero()) {
			throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
		}
		if (maxInFlightAppends < 1) {
			throw new IllegalArgumentException("maxInFlightAppends must be positive, was " + maxInFlightAppends);
		}
		this.keys = new RedisKeys(keyPrefix);
		this.scripts = new ScriptRunner(connectionFactory, commandTimeout);
		this.maxEventsArgument = number(maxEventsPerStream);
		this.timeToLive = timeToLive;
		this.timeToLiveArgument = number(timeToLive.toMillis());
		this.checkServerArgument = RedisKeys.bytes(keepEpochAcrossRestarts ? "" : "1");
		this.liveFeed = new RedisLiveFeed(connectionFactory, this.keys, commandTimeout, this);
		this.catalog = new RedisStreamCatalog(this.scripts, this.keys);
		this.housekeeping = new RedisHousekeeping(this.scripts, this.keys, this.liveFeed, this.timeToLiveArgument,
				(byAge) -> countEvictions(0, byAge));
		this.asyncAppends = new AsyncAppends(maxInFlightAppends, commandTimeout);
	}

	@Override
	public StoredEvent append(String stream, SseEvent event) {
		return append(stream, event, null);
	}

	@Override
	public StoredEvent complete(String stream, SseEvent finalEvent, Duration keepFor) {
		return append(stream, finalEvent, (keepFor != null) ? keepFor : this.timeToLive);
	}

	/**
	 * Removes the stream's history at once and ends its lifetime, in one script:
	 * the final event is published to every instance but not stored, and the
	 * stream's meta key stays, marked deleted, for the time to live.
	 */
	@Override
	public StoredEvent delete(String stream, SseEvent finalEvent) {
		StreamNames.check(stream);
		byte[] body = SseFormat.body(finalEvent);
		List<Object> reply = this.scripts.run(RedisScript.DELETE, "delete stream '" + stream + "'",
				this.keys.of(stream), body, this.timeToLiveArgument, this.keys.channel(stream));
		if (reply.size() < 3) {
			return null;
		}
		EventId id = new EventId(this.keys.epoch(stream, reply.get(0)), (Long) reply.get(1));
		return new StoredEvent(stream, id, finalEvent.name(), SseFormat.frame(id, body), (Long) reply.get(2), true);
	}

	/**
	 * Sends the append script without waiting for Redis, so that many appends
	 * can be on their way on the one shared connection: appends to a stream made
	 * one after another from one thread get their sequence numbers in that order,
	 * dense, as with {@link #append}, since Redis runs a connection's commands in
	 * the order sent (on Redis Cluster, a stream's appends all go to the master of
	 * its slot).
	 * <p>
	 * Bounded: while {@code maxInFlightAppends} appends await Redis's answer, a
	 * call waits for one of them, at most the command timeout, since each is
	 * answered or fails within it; a publisher faster than Redis is slowed to its
	 * pace. The call may also wait one round trip to load the script into Redis,
	 * the first time and after Redis lost it.
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
	 * still densely; use {@link #append} where even that must not happen.
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
		String what = "append to stream '" + stream + "'";
		byte[] body = SseFormat.body(event);
		byte[][] keys = this.keys.of(stream);
		byte[][] arguments = appendArguments(stream, body, null);
		return this.asyncAppends.send(what, () -> this.scripts.runAsync(RedisScript.APPEND, what, keys, arguments),
				(reply) -> appended(stream, event, body, false, reply));
	}

	// Appends an event, or the final event when keepFor is given.
	private StoredEvent append(String stream, SseEvent event, Duration keepFor) {
		StreamNames.check(stream);
		byte[] body = SseFormat.body(event);
		List<Object> reply = this.scripts.run(RedisScript.APPEND, "append to stream '" + stream + "'",
				this.keys.of(stream), appendArguments(stream, body, keepFor));
		return appended(stream, event, body, keepFor != null, reply);
	}

	private byte[][] appendArguments(String stream, byte[] body, Duration keepFor) {
		boolean ends = keepFor != null;
		return new byte[][] { newEpoch(), body, this.maxEventsArgument, this.timeToLiveArgument,
				this.keys.channel(stream), this.checkServerArgument, RedisKeys.bytes(ends ? "1" : ""),
				ends ? number(Math.max(1, keepFor.toMillis())) : this.timeToLiveArgument };
	}

	private StoredEvent appended(String stream, SseEvent event, byte[] body, boolean ends, List<Object> reply) {
		if ((Long) reply.get(5) == 1L) {
			throw new StreamCompletedException(stream);
		}
		EventId id = new EventId(this.keys.epoch(stream, reply.get(0)), (Long) reply.get(1));
		countEvictions((Long) reply.get(3), (Long) reply.get(4));
		// The same bytes as the script stored and published.
		return new StoredEvent(stream, id, event.name(), SseFormat.frame(id, body), (Long) reply.get(2), ends);
	}

	@Override
	public StreamStatus status(String stream) {
		StreamNames.check(stream);
		List<Object> reply = this.scripts.run(RedisScript.HEAD, "read the head of stream '" + stream + "'",
				this.keys.of(stream), newEpoch(), this.timeToLiveArgument, this.checkServerArgument);
		long epoch = this.keys.epoch(stream, reply.get(0));
		EventId head = new EventId(epoch, (Long) reply.get(1));
		this.liveFeed.follow(stream, head);
		long end = (Long) reply.get(2);
		return new StreamStatus(head, (end != 0) ? new EventId(epoch, end) : null, (Long) reply.get(3) == 1L);
	}

	@Override
	public EventId head(String stream) {
		StreamNames.check(stream);
		List<Object> reply = this.scripts.run(RedisScript.HEAD, "read the head of stream '" + stream + "'",
				this.keys.of(stream), newEpoch(), this.timeToLiveArgument, this.checkServerArgument);
		EventId head = new EventId(this.keys.epoch(stream, reply.get(0)), (Long) reply.get(1));
		this.liveFeed.follow(stream, head);
		return head;
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
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
		return this.catalog.streams(from, limit);
	}

	@Override
	public ReadResult readAfter(String stream, EventId after, int limit) {
		StreamNames.check(stream);
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
		List<Object> reply = this.scripts.run(RedisScript.READ, "read stream '" + stream + "'", this.keys.of(stream),
				newEpoch(), RedisKeys.epoch(after.epoch()), number(after.sequence()),
				number(limit), this.timeToLiveArgument, this.checkServerArgument);
		EventId head = new EventId(this.keys.epoch(stream, reply.get(1)), (Long) reply.get(2));
		countEvictions(0, (Long) reply.get(3));
		this.liveFeed.follow(stream, head);
		int status = ((Long) reply.get(0)).intValue();
		return switch (status) {
			case STATUS_EVENTS -> new ReadResult.Events(RedisFrames.entries(stream, (List<?>) reply.get(4)), head);
			case STATUS_OTHER_EPOCH -> new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, head);
			case STATUS_UNKNOWN -> new ReadResult.CannotServe(ResyncReason.UNKNOWN, head);
			case STATUS_EVICTED -> new ReadResult.CannotServe(ResyncReason.EVICTED, head);
			case STATUS_EXPIRED -> new ReadResult.CannotServe(ResyncReason.EXPIRED, head);
			case STATUS_DELETED -> new ReadResult.Deleted(head);
			default -> throw new IllegalStateException("Unexpected read status " + status);
		};
	}

	/**
	 * Registers a listener for every event appended by any instance. The first
	 * listener subscribes this store to live events; this waits up to the command
	 * timeout for the subscription, and when Redis cannot be reached, subscribing
	 * is retried every second by {@link #housekeep()}.
	 * @param listener called for each event, on the store's listener thread
	 */
	@Override
	public void addListener(Consumer<StoredEvent> listener) {
		this.liveFeed.addListener(listener);
	}

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
	 * call made while the previous one still runs is dropped.
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
		return this.evictions[reason.ordinal()].get();
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

	private void countEvictions(long byCount, long byAge) {
		if (byCount > 0) {
			this.evictions[EvictionReason.COUNT.ordinal()].addAndGet(byCount);
		}
		if (byAge > 0) {
			this.evictions[EvictionReason.EXPIRED.ordinal()].addAndGet(byAge);
		}
	}

	private static byte[] newEpoch() {
		return RedisKeys.epoch(EventId.newEpoch());
	}

	private static byte[] number(long value) {
		return RedisKeys.number(value);
	}

}
