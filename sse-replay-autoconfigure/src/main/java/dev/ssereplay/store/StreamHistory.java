package dev.ssereplay.store;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

/**
 * One lifetime of a stream's history: a ring that grows up to the per-stream
 * bound. Guarded by the lock of the {@link InMemoryReplayStore} that holds it.
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
			retained += InMemoryReplayStore.retainedSize(this.ring[(this.start + i) % this.ring.length].event);
		}
		return new StreamSummary(this.stream, status(), this.size, retained + InMemoryReplayStore.streamSize(this.stream));
	}

	StreamStatus status() {
		return new StreamStatus(head(), (this.endSequence != 0) ? new EventId(this.epoch, this.endSequence) : null,
				this.deleted);
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
