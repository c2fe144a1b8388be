package dev.ssereplay.store;

import dev.ssereplay.event.StoredEvent;

/**
 * What an {@link InMemoryReplayStore} retains, as its byte bound counts it: every
 * retained event in one process-wide list in append order, so that the byte and
 * age bounds remove the oldest event of the whole process in O(1), and the bytes
 * of those events, of the streams and of their idempotency keys, estimated for a
 * 64-bit JVM with compressed references.
 * <p>
 * Guarded by the lock of the store that holds it; the two counts may be read
 * without it.
 */
final class RetainedEvents {

	// Per event beside its frame: the stored event, its id, the list node, the
	// frame's array header and a ring slot.
	private static final int EVENT_OVERHEAD = 128;

	// Per stream beside its name: the history, its smallest ring, the map entry
	// and the name's string.
	private static final int STREAM_OVERHEAD = 256;

	private StreamHistory.Node oldest;

	private StreamHistory.Node newest;

	private volatile long events;

	private volatile long bytes;

	/**
	 * Returns what the byte bound counts for one event: its frame and the objects
	 * that hold it.
	 */
	static long size(StoredEvent event) {
		return size(event.size(), event.name());
	}

	/**
	 * Returns what the byte bound counts for an event of a frame's length.
	 */
	static long size(long frameLength, String name) {
		return frameLength + EVENT_OVERHEAD + ((name != null) ? 48 + name.length() : 0);
	}

	/**
	 * Returns what the byte bound counts for one stream without its events.
	 */
	static long streamSize(String stream) {
		return STREAM_OVERHEAD + stream.length();
	}

	/**
	 * Returns the oldest retained event of the process, or {@code null}.
	 */
	StreamHistory.Node oldest() {
		return this.oldest;
	}

	long events() {
		return this.events;
	}

	long bytes() {
		return this.bytes;
	}

	/**
	 * Counts bytes retained besides events (a stream, its keys), or no longer
	 * retained when negative.
	 */
	void count(long bytes) {
		this.bytes += bytes;
	}

	/**
	 * Appends an event to the list, after it was added to its stream's ring.
	 * @return the node
	 */
	StreamHistory.Node link(StreamHistory.Node node) {
		node.previous = this.newest;
		if (this.newest != null) {
			this.newest.next = node;
		}
		else {
			this.oldest = node;
		}
		this.newest = node;
		this.events++;
		this.bytes += size(node.event);
		return node;
	}

	/**
	 * Removes every event of a stream, oldest first.
	 */
	void unlinkAll(StreamHistory history) {
		while (history.size > 0) {
			unlink(history.oldest());
		}
	}

	/**
	 * Removes the oldest event of its stream from the ring and from the list.
	 */
	void unlink(StreamHistory.Node node) {
		// Both orders are append order, so the process's oldest event is also the
		// oldest of its own stream.
		StreamHistory history = node.history;
		StreamHistory.Node removed = history.removeOldest();
		if (removed != node) {
			throw new IllegalStateException("Store order broken: expected " + node.event.id() + " but removed "
					+ removed.event.id());
		}
		if (node.previous != null) {
			node.previous.next = node.next;
		}
		else {
			this.oldest = node.next;
		}
		if (node.next != null) {
			node.next.previous = node.previous;
		}
		else {
			this.newest = node.previous;
		}
		node.previous = null;
		node.next = null;
		this.events--;
		this.bytes -= size(node.event);
	}

}
