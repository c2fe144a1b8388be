package dev.ssereplay.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;

/**
 * The histories of an {@link InMemoryReplayStore}'s streams by name, and the rules
 * that keep them: a lifetime per stream (appended to, ended, deleted, started again
 * in a new epoch), idempotency keys, and the bounds, events per stream, bytes for the
 * process and age. It decides what an append evicts, what expires, and which
 * streams are removed. Times are the store's, in milliseconds, given by the caller.
 * <p>
 * Guarded by the lock of the store that holds it, as are the {@link StreamHistory}
 * and {@link RetainedEvents} it holds; the counts and {@link #requireFits} need no
 * lock.
 */
final class StreamHistories {

	private final int maxEventsPerStream;

	private final long maxBytes;

	private final long timeToLiveMillis;

	private final Map<String, StreamHistory> streams = new HashMap<>();

	private final RetainedEvents retained = new RetainedEvents();

	private final EvictionLog evictions;

	private volatile Predicate<String> inUse = (stream) -> false;

	StreamHistories(int maxEventsPerStream, long maxBytes, long timeToLiveMillis) {
		this.maxEventsPerStream = maxEventsPerStream;
		this.maxBytes = maxBytes;
		this.timeToLiveMillis = timeToLiveMillis;
		this.evictions = new EvictionLog(maxBytes);
	}

	/**
	 * What an append did: stored an event, or found its key used.
	 */
	record Appended(StoredEvent stored, EventId repeated) {

	}

	/**
	 * Rejects an event that could not fit in the byte bound even alone in the store.
	 * @param body the event's formatted body
	 */
	void requireFits(String stream, SseEvent event, byte[] body) {
		// The id line is at most 40 bytes more than the body.
		long needed = RetainedEvents.size(body.length + 40, event.name()) + RetainedEvents.streamSize(stream);
		if (needed > this.maxBytes) {
			throw new IllegalArgumentException("Event of " + body.length + " bytes cannot fit in a store of "
					+ this.maxBytes + " bytes (sse.replay.store.max-bytes)");
		}
	}

	/**
	 * Appends an event, unless its key was used in the stream's lifetime within the
	 * time to live, and evicts what the bounds no longer hold.
	 * @param body the event's formatted body
	 * @param ends whether the event ends the stream
	 * @param keepFor how long an ending stream stays, if less than the time to live;
	 * {@code null} for the time to live
	 * @param key the idempotency key, or {@code null}
	 * @throws StreamCompletedException if the stream has ended
	 */
	Appended append(String stream, SseEvent event, byte[] body, boolean ends, Duration keepFor, IdempotencyKey key,
			long now) {
		expire(now);
		StreamHistory history = history(stream);
		if (key != null) {
			this.retained.count(-history.forgetKeys(now - this.timeToLiveMillis, Integer.MAX_VALUE));
			long first = history.sequenceOf(key.value());
			if (first != 0) {
				// Stored before, maybe even before the stream ended or was deleted.
				return new Appended(null, new EventId(history.epoch, first));
			}
		}
		if (history.deleted) {
			// A deleted lifetime is over: the stream starts again, in a new epoch.
			remove(history);
			history = history(stream);
		}
		else if (history.endSequence != 0) {
			throw new StreamCompletedException(stream);
		}
		EventId id = new EventId(history.epoch, history.lastSequence + 1);
		StoredEvent appended = new StoredEvent(stream, id, event.name(), SseFormat.frame(id, body), now, ends);
		if (history.size == this.maxEventsPerStream) {
			evict(history.oldest(), EvictionReason.COUNT, now);
		}
		history.add(this.retained.link(new StreamHistory.Node(appended, history)));
		if (ends) {
			history.endSequence = id.sequence();
			if (keepFor != null && keepFor.toMillis() < this.timeToLiveMillis) {
				history.removeAtMillis = now + Math.max(0, keepFor.toMillis());
			}
		}
		if (key != null) {
			// The oldest key makes room, beyond the bound.
			this.retained.count(-history.forgetKeys(now - this.timeToLiveMillis, this.maxEventsPerStream - 1));
			this.retained.count(history.remember(key.value(), id.sequence(), now));
		}
		while (this.retained.bytes() > this.maxBytes && this.retained.oldest() != null) {
			evict(this.retained.oldest(), EvictionReason.BYTES, now);
		}
		return new Appended(appended, null);
	}

	/**
	 * Removes a stream's events and ends its lifetime, keeping its position.
	 * @param body the final event's formatted body
	 * @return the final event, not stored, or {@code null} when the stream has no
	 * history or had ended already
	 */
	StoredEvent delete(String stream, SseEvent finalEvent, byte[] body, long now) {
		StreamHistory history = this.streams.get(stream);
		if (history == null || history.deleted) {
			return null;
		}
		this.retained.unlinkAll(history);
		history.deleted = true;
		history.lastUsedMillis = now;
		history.removeAtMillis = 0;
		if (history.endSequence != 0) {
			return null;
		}
		EventId id = new EventId(history.epoch, history.lastSequence + 1);
		history.lastSequence = id.sequence();
		history.endSequence = id.sequence();
		return new StoredEvent(stream, id, finalEvent.name(), SseFormat.frame(id, body), now, true);
	}

	/**
	 * Returns a stream's history, created in a new epoch when the stream has none.
	 */
	StreamHistory history(String stream) {
		StreamHistory history = this.streams.get(stream);
		if (history == null) {
			history = new StreamHistory(stream, EventId.newEpoch(), this.maxEventsPerStream);
			this.streams.put(stream, history);
			this.retained.count(RetainedEvents.streamSize(stream));
		}
		return history;
	}

	/**
	 * Reads up to {@code limit} events after a position, once the expired ones are
	 * gone.
	 */
	ReadResult readAfter(String stream, EventId after, int limit, long now) {
		expire(now);
		return history(stream).read(after, limit);
	}

	/**
	 * Returns a summary of a stream, or {@code null} when it has no history.
	 */
	StreamSummary summary(String stream) {
		StreamHistory history = this.streams.get(stream);
		return (history != null) ? history.summary() : null;
	}

	/**
	 * Returns the summaries of the named streams that have a history.
	 */
	List<StreamSummary> summaries(List<String> names) {
		List<StreamSummary> found = new ArrayList<>(names.size());
		for (String name : names) {
			StreamHistory history = this.streams.get(name);
			if (history != null) {
				found.add(history.summary());
			}
		}
		return found;
	}

	String[] names() {
		return this.streams.keySet().toArray(new String[0]);
	}

	int size() {
		return this.streams.size();
	}

	/**
	 * Sets which streams are in use: those keep their position without events.
	 * Needs no lock.
	 */
	void retainWhile(Predicate<String> inUse) {
		this.inUse = inUse;
	}

	/**
	 * Removes expired events and keys, and the streams that have nothing left to
	 * keep: an ended stream past its retention, and an unused stream without events
	 * that never had one, whose position has outlived the time to live, or whose
	 * position the byte bound needs.
	 */
	void housekeep(long now) {
		expire(now);
		Iterator<StreamHistory> histories = this.streams.values().iterator();
		while (histories.hasNext()) {
			StreamHistory history = histories.next();
			this.retained.count(-history.forgetKeys(now - this.timeToLiveMillis, this.maxEventsPerStream));
			if (history.removeAtMillis != 0 && now >= history.removeAtMillis) {
				this.retained.unlinkAll(history);
				histories.remove();
				this.retained.count(-history.retainedWithoutEvents());
			}
			else if (this.inUse.test(history.stream)) {
				history.lastUsedMillis = now;
			}
			else if (history.size == 0 && (history.lastSequence == 0
							|| now - history.lastUsedMillis >= this.timeToLiveMillis
					|| this.retained.bytes() > this.maxBytes)) {
				// Under the byte bound's pressure, an unused stream's position goes
				// first: a client that comes back gets a resync.
				histories.remove();
				this.retained.count(-history.retainedWithoutEvents());
			}
		}
	}

	long eventCount() {
		return this.retained.events();
	}

	long byteCount() {
		return this.retained.bytes();
	}

	long evictions(EvictionReason reason) {
		return this.evictions.count(reason);
	}

	private void expire(long now) {
		long cutoff = now - this.timeToLiveMillis;
		while (this.retained.oldest() != null && this.retained.oldest().event.timestamp() <= cutoff) {
			evict(this.retained.oldest(), EvictionReason.EXPIRED, now);
		}
	}

	private void evict(StreamHistory.Node node, EvictionReason reason, long now) {
		StreamHistory history = node.history;
		this.retained.unlink(node);
		if (reason == EvictionReason.EXPIRED) {
			history.expiredThrough = node.event.sequence();
		}
		this.evictions.evicted(reason, now);
		if (reason == EvictionReason.BYTES && history.size == 0 && !this.inUse.test(history.stream)
				&& this.streams.remove(history.stream) != null) {
			this.retained.count(-history.retainedWithoutEvents());
		}
	}

	private void remove(StreamHistory history) {
		this.retained.unlinkAll(history);
		if (this.streams.remove(history.stream, history)) {
			this.retained.count(-history.retainedWithoutEvents());
		}
	}

}
