package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.EvictionReason;
import dev.ssereplay.store.IdempotentAppend;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamCompletedException;
import dev.ssereplay.store.StreamStatus;

/**
 * The commands on one stream's history in Redis, one script each: append (at
 * once, or sent without waiting within the bound of {@link AsyncAppends}, which
 * sends the appends that queue up for a stream together, in one call of the
 * batch script), delete, read the head, read the events after a position.
 * Builds each script's arguments from the store's settings, decodes its reply,
 * counts the events the scripts removed to keep the bounds, and hands every
 * head it reads to the {@link RedisLiveFeed}, which follows the streams that
 * have subscribers here. Stream names are checked by the caller. The
 * synchronous appends and the delete go after the appends to the stream sent
 * without waiting before them.
 * <p>
 * Each stream is a Redis Stream of whole event frames with ids
 * {@code <sequence>-0}, beside a hash that holds the stream's epoch, its last
 * sequence number and the last one removed for its age. Appending assigns the
 * next sequence number, stores the frame, trims the history to
 * {@code maxEventsPerStream} and {@code timeToLive}, keeps both keys alive for
 * the time to live, and publishes the frame. Reading answers the events after a
 * position or exactly why it cannot.
 * <p>
 * Thread-safe.
 */
final class RedisStreamHistory {

	// The append script's last reply field: stored, the stream had ended, or the
	// idempotency key had been used.
	private static final long APPEND_ENDED = 1;

	private static final long APPEND_REPEATED = 2;

	// Where the batch script's arguments hold the first event's body.
	private static final int BATCH_BODIES = 6;

	private static final int STATUS_EVENTS = 0;

	private static final int STATUS_OTHER_EPOCH = 1;

	private static final int STATUS_UNKNOWN = 2;

	private static final int STATUS_EVICTED = 3;

	private static final int STATUS_EXPIRED = 4;

	private static final int STATUS_DELETED = 5;

	private final ScriptRunner scripts;

	private final RedisKeys keys;

	private final RedisLiveFeed liveFeed;

	private final AsyncAppends asyncAppends;

	private final byte[] maxEventsArgument;

	private final Duration timeToLive;

	private final byte[] timeToLiveArgument;

	private final byte[] checkServerArgument;

	private final PubSubMode pubSub;

	private final AtomicLong[] evictions = { new AtomicLong(), new AtomicLong(), new AtomicLong() };

	RedisStreamHistory(ScriptRunner scripts, RedisKeys keys, RedisLiveFeed liveFeed, AsyncAppends asyncAppends,
			int maxEventsPerStream, Duration timeToLive, boolean keepEpochAcrossRestarts, PubSubMode pubSub) {
		this.scripts = scripts;
		this.keys = keys;
		this.liveFeed = liveFeed;
		this.asyncAppends = asyncAppends;
		this.maxEventsArgument = number(maxEventsPerStream);
		this.timeToLive = timeToLive;
		this.timeToLiveArgument = number(timeToLive.toMillis());
		this.checkServerArgument = RedisKeys.bytes(keepEpochAcrossRestarts ? "" : "1");
		this.pubSub = pubSub;
	}

	StoredEvent append(String stream, SseEvent event) {
		return append(stream, event, null);
	}

	/**
	 * Appends a stream's final event.
	 * @param keepFor how long the ended stream is kept, or {@code null} for the
	 * time to live
	 */
	StoredEvent complete(String stream, SseEvent finalEvent, Duration keepFor) {
		return append(stream, finalEvent, (keepFor != null) ? keepFor : this.timeToLive);
	}

	/**
	 * Sends the append script without waiting for Redis, once the append has a
	 * place among those in flight; when appends to the stream queue up behind
	 * others, they go together in one call of the batch script (see
	 * {@link AsyncAppends}). The scripts are loaded, and the keys and arguments
	 * built, before: the call may be sent by another thread, under a lock, where
	 * nothing may wait for Redis, and nothing between taking the place and
	 * sending can throw and keep it. A batch's arguments are built when it is
	 * sent, once for all of its events, from what is known by then: the publish
	 * command was read for the append's own arguments.
	 */
	CompletableFuture<StoredEvent> appendAsync(String stream, SseEvent event) {
		String what = "append to stream '" + stream + "'";
		byte[] body = SseFormat.body(event);
		byte[][] keys = this.keys.of(stream);
		byte[][] arguments;
		try {
			// May read the servers' version, the first time, to choose the publish command.
			arguments = appendArguments(stream, body, null);
			this.scripts.load(RedisScript.APPEND, what);
			this.scripts.load(RedisScript.APPEND_BATCH, what);
		}
		catch (StoreUnavailableException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.asyncAppends.sendJoinable(stream, what, body,
				() -> this.scripts.runAsync(RedisScript.APPEND, what, keys, arguments),
				(bodies) -> this.scripts.runAsync(RedisScript.APPEND_BATCH, what, keys,
						batchArguments(stream, bodies)),
				(reply, index) -> appended(stream, event, body, false, reply, index));
	}

	/**
	 * Appends an event unless an append of the stream's lifetime used the key;
	 * the script checks and records the key with the append.
	 */
	IdempotentAppend appendOnce(String stream, SseEvent event, IdempotencyKey key) {
		byte[] body = SseFormat.body(event);
		String what = "append to stream '" + stream + "'";
		this.asyncAppends.awaitSent(stream, what);
		List<Object> reply = this.scripts.run(RedisScript.APPEND, what, this.keys.of(stream, key),
				appendArguments(stream, body, null));
		return appendedOnce(stream, event, body, reply);
	}

	/**
	 * Sends an append with an idempotency key without waiting for Redis, as
	 * {@link #appendAsync} does.
	 */
	CompletableFuture<IdempotentAppend> appendOnceAsync(String stream, SseEvent event, IdempotencyKey key) {
		String what = "append to stream '" + stream + "'";
		byte[] body = SseFormat.body(event);
		byte[][] keys = this.keys.of(stream, key);
		byte[][] arguments;
		try {
			arguments = appendArguments(stream, body, null);
			this.scripts.load(RedisScript.APPEND, what);
		}
		catch (StoreUnavailableException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.asyncAppends.send(stream, what,
				() -> this.scripts.runAsync(RedisScript.APPEND, what, keys, arguments),
				(reply) -> appendedOnce(stream, event, body, reply));
	}

	/**
	 * Removes the stream's history and ends its lifetime, in one script: the
	 * final event is published but not stored, and the meta key stays, marked
	 * deleted, for the time to live.
	 * @return the final event, or {@code null} when the stream had no lifetime or
	 * had already ended
	 */
	StoredEvent delete(String stream, SseEvent finalEvent) {
		byte[] body = SseFormat.body(finalEvent);
		String what = "delete stream '" + stream + "'";
		this.asyncAppends.awaitSent(stream, what);
		List<Object> reply = this.scripts.run(RedisScript.DELETE, what, this.keys.of(stream), body,
				this.timeToLiveArgument, this.keys.channel(stream), this.pubSub.publishCommand());
		if (reply.size() < 3) {
			return null;
		}
		EventId id = new EventId(this.keys.epoch(stream, reply.get(0)), (Long) reply.get(1));
		return new StoredEvent(stream, id, finalEvent.name(), SseFormat.frame(id, body), (Long) reply.get(2), true);
	}

	/**
	 * Reads the head of a stream and whether it ended, starting a lifetime when
	 * it has none.
	 */
	StreamStatus status(String stream) {
		this.liveFeed.prepare(stream);
		List<Object> reply = this.scripts.run(RedisScript.HEAD, "read the head of stream '" + stream + "'",
				this.keys.of(stream), newEpoch(), this.timeToLiveArgument, this.checkServerArgument);
		long epoch = this.keys.epoch(stream, reply.get(0));
		EventId head = new EventId(epoch, (Long) reply.get(1));
		this.liveFeed.follow(stream, head);
		long end = (Long) reply.get(2);
		return new StreamStatus(head, (end != 0) ? new EventId(epoch, end) : null, (Long) reply.get(3) == 1L);
	}

	/**
	 * Reads up to {@code limit} events after a position, or why they cannot be.
	 */
	ReadResult readAfter(String stream, EventId after, int limit) {
		this.liveFeed.prepare(stream);
		return readResult(stream, this.scripts.run(RedisScript.READ, "read stream '" + stream + "'",
				this.keys.of(stream), readArguments(after, limit)));
	}

	/**
	 * Reads as {@link #readAfter} does, without waiting: the subscription to the
	 * stream's live channel, when one is to be made first, on the subscriptions'
	 * thread, and the read on Lettuce's asynchronous API.
	 */
	CompletableFuture<ReadResult> readAfterAsync(String stream, EventId after, int limit) {
		String what = "read stream '" + stream + "'";
		byte[][] keys = this.keys.of(stream);
		byte[][] arguments = readArguments(after, limit);
		return this.liveFeed.prepareAsync(stream)
			.thenCompose((subscribed) -> this.scripts.readAsync(RedisScript.READ, what, keys, arguments))
			.thenApply((reply) -> readResult(stream, reply));
	}

	private byte[][] readArguments(EventId after, int limit) {
		return new byte[][] { newEpoch(), RedisKeys.epoch(after.epoch()), number(after.sequence()), number(limit),
				this.timeToLiveArgument, this.checkServerArgument };
	}

	private ReadResult readResult(String stream, List<Object> reply) {
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
	 * Counts events removed from the history by this process's scripts.
	 * @param byCount removed to keep the count bound
	 * @param byAge removed because they outlived the time to live
	 */
	void countEvictions(long byCount, long byAge) {
		if (byCount > 0) {
			this.evictions[EvictionReason.COUNT.ordinal()].addAndGet(byCount);
		}
		if (byAge > 0) {
			this.evictions[EvictionReason.EXPIRED.ordinal()].addAndGet(byAge);
		}
	}

	/**
	 * Returns the events removed since the store started, for one bound.
	 */
	long evictions(EvictionReason reason) {
		return this.evictions[reason.ordinal()].get();
	}

	// Appends an event, or the final event when keepFor is given, after the
	// appends to the stream sent without waiting before.
	private StoredEvent append(String stream, SseEvent event, Duration keepFor) {
		byte[] body = SseFormat.body(event);
		String what = "append to stream '" + stream + "'";
		this.asyncAppends.awaitSent(stream, what);
		List<Object> reply = this.scripts.run(RedisScript.APPEND, what, this.keys.of(stream),
				appendArguments(stream, body, keepFor));
		return appended(stream, event, body, keepFor != null, reply, 0);
	}

	private byte[][] appendArguments(String stream, byte[] body, Duration keepFor) {
		boolean ends = keepFor != null;
		return new byte[][] { newEpoch(), body, this.maxEventsArgument, this.timeToLiveArgument,
				this.keys.channel(stream), this.checkServerArgument, RedisKeys.bytes(ends ? "1" : ""),
				ends ? number(Math.max(1, keepFor.toMillis())) : this.timeToLiveArgument,
				this.pubSub.publishCommand() };
	}

	private byte[][] batchArguments(String stream, List<byte[]> bodies) {
		byte[][] arguments = new byte[BATCH_BODIES + bodies.size()][];
		arguments[0] = newEpoch();
		arguments[1] = this.maxEventsArgument;
		arguments[2] = this.timeToLiveArgument;
		arguments[3] = this.keys.channel(stream);
		arguments[4] = this.checkServerArgument;
		arguments[5] = this.pubSub.publishCommand();
		for (int i = 0; i < bodies.size(); i++) {
			arguments[BATCH_BODIES + i] = bodies.get(i);
		}
		return arguments;
	}

	private IdempotentAppend appendedOnce(String stream, SseEvent event, byte[] body, List<Object> reply) {
		if ((Long) reply.get(5) == APPEND_REPEATED) {
			return new IdempotentAppend(new EventId(this.keys.epoch(stream, reply.get(0)), (Long) reply.get(1)), true);
		}
		return new IdempotentAppend(appended(stream, event, body, false, reply, 0).id(), false);
	}

	// Reads the event at a place in its script call: 0 for the append script,
	// which stores one; the batch script answers the same fields for its first,
	// and the others follow it.
	private StoredEvent appended(String stream, SseEvent event, byte[] body, boolean ends, List<Object> reply,
			int index) {
		if ((Long) reply.get(5) == APPEND_ENDED) {
			throw new StreamCompletedException(stream);
		}
		EventId id = new EventId(this.keys.epoch(stream, reply.get(0)), (Long) reply.get(1) + index);
		if (index == 0) {
			// Once per call: what its trims removed.
			countEvictions((Long) reply.get(3), (Long) reply.get(4));
		}
		// The same bytes as the script stored and published.
		return new StoredEvent(stream, id, event.name(), SseFormat.frame(id, body), (Long) reply.get(2), ends);
	}

	private static byte[] newEpoch() {
		return RedisKeys.epoch(EventId.newEpoch());
	}

	private static byte[] number(long value) {
		return RedisKeys.number(value);
	}

}
