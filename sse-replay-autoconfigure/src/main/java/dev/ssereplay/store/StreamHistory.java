package dev.ssereplay.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

/**
 * One lifetime of a stream's history: a ring that grows up to the per-stream
 * bound. Guarded by the lock of the {@link InMemoryReplayStore} whose
 * {@link StreamHistories} hold it.
 */
final class StreamHistory {

	final String stream;

	final long epoch;

	private final int maxEvents;

	long lastSequence;

	long expiredThrough;

	// The last append, or the last housekeeping pass that found it in use.
	long lastUsedMillis;

	// The sequence of the final event once the stream has ended, else 0.
	long endSequence;

	// Whether the ended lifetime's events were removed at once.
	boolean deleted;

	// When an ended stream is removed whatever its events' age, else 0.
	long removeAtMillis;

	// The idempotency keys of this lifetime's appends, oldest first: each key's
	// sequence and append time. Created with the first key.
	private LinkedHashMap<String, long[]> keys;

	// What the byte bound counts for the keys.
	long keyBytes;

	Node[] ring;

	int start;

	int size;

	StreamHistory(String stream, long epoch, int maxEvents) {
		this.stream = stream;
		this.epoch = epoch;
		this.maxEvents = maxEvents;
		this.ring = new Node[Math.min(16, maxEvents)];
	}

	EventId head() {
		return new EventId(this.epoch, this.lastSequence);
	}

	StreamSummary summary() {
		long retained = 0;
		for (int i = 0; i < this.size; i++) {
			retained += RetainedEvents.size(this.ring[(this.start + i) % this.ring.length].event);
		}
		return new StreamSummary(this.stream, status(), this.size, retained + retainedWithoutEvents());
	}

	/**
	 * Returns what the byte bound counts for this lifetime besides its events: the
	 * stream and its idempotency keys.
	 */
	long retainedWithoutEvents() {
		return RetainedEvents.streamSize(this.stream) + this.keyBytes;
	}

	/**
	 * Returns the sequence of the append that used a key, or 0 when none did.
	 */
	long sequenceOf(String key) {
		long[] use = (this.keys != null) ? this.keys.get(key) : null;
		return (use != null) ? use[0] : 0;
	}

	/**
	 * Remembers the key of an append.
	 * @return the bytes the byte bound counts for it
	 */
	long remember(String key, long sequence, long now) {
		if (this.keys == null) {
			this.keys = new LinkedHashMap<>();
		}
		this.keys.put(key, new long[] { sequence, now });
		long size = keySize(key);
		this.keyBytes += size;
		return size;
	}

	/**
	 * Forgets the keys used at or before a time, and the oldest beyond a count.
	 * @return the bytes the byte bound no longer counts
	 */
	long forgetKeys(long usedThrough, int keep) {
		if (this.keys == null) {
			return 0;
		}
		long freed = 0;
		Iterator<Map.Entry<String, long[]>> oldest = this.keys.entrySet().iterator();
		while (oldest.hasNext()) {
			Map.Entry<String, long[]> key = oldest.next();
			if (key.getValue()[1] > usedThrough && this.keys.size() <= keep) {
				break;
			}
			oldest.remove();
			freed += keySize(key.getKey());
		}
		if (this.keys.isEmpty()) {
			this.keys = null;
		}
		this.keyBytes -= freed;
		return freed;
	}

	// A map entry, its key and its value.
	private static long keySize(String key) {
		return 112 + key.length();
	}

	StreamStatus status() {
		return new StreamStatus(head(), (this.endSequence != 0) ? new EventId(this.epoch, this.endSequence) : null,
				this.deleted);
	}

	/**
	 * Reads up to {@code limit} events after a position, or says why it cannot.
	 */
	ReadResult read(EventId after, int limit) {
		EventId head = head();
		if (this.deleted && after.epoch() == this.epoch) {
			return new ReadResult.Deleted(head);
		}
		if (after.epoch() != this.epoch) {
			return new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, head);
		}
		if (after.sequence() > this.lastSequence) {
			return new ReadResult.CannotServe(ResyncReason.UNKNOWN, head);
		}
		long wanted = after.sequence() + 1;
		if (wanted < firstSequence()) {
			ResyncReason reason = (wanted <= this.expiredThrough) ? ResyncReason.EXPIRED : ResyncReason.EVICTED;
			return new ReadResult.CannotServe(reason, head);
		}
		int count = (int) Math.min(limit, this.lastSequence - after.sequence());
		List<StoredEvent> events = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			events.add(get(wanted + i).event);
		}
		return new ReadResult.Events(events, head);
	}

	long firstSequence() {
		return this.lastSequence - this.size + 1;
	}

	Node get(long sequence) {
		return this.ring[(int) ((this.start + (sequence - firstSequence())) % this.ring.length)];
	}

	Node oldest() {
		return this.ring[this.start];
	}

	void add(Node node) {
		if (this.size == this.ring.length) {
			grow();
		}
		this.ring[(this.start + this.size) % this.ring.length] = node;
		this.size++;
		this.lastSequence = node.event.sequence();
		this.lastUsedMillis = node.event.timestamp();
	}

	Node removeOldest() {
		Node node = this.ring[this.start];
		this.ring[this.start] = null;
		this.start = (this.start + 1) % this.ring.length;
		this.size--;
		return node;
	}

	private void grow() {
		int capacity = (int) Math.min((long) this.ring.length * 2, this.maxEvents);
		Node[] grown = new Node[capacity];
		for (int i = 0; i < this.size; i++) {
			grown[i] = this.ring[(this.start + i) % this.ring.length];
		}
		this.ring = grown;
		this.start = 0;
	}

	/**
	 * One retained event, in its stream's ring and in the store's process-wide
	 * list in append order.
	 */
	static final class Node {

		final StoredEvent event;

		final StreamHistory history;

		Node previous;

		Node next;

		Node(StoredEvent event, StreamHistory history) {
			this.event = event;
			this.history = history;
		}

	}

}
