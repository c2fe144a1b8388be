package dev.ssereplay.broker;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

/**
 * A connection's bounded queue of live events, and the two marks of what did not
 * fit in it: the newest event missed while history was being written (the
 * writer reads it from the store), and the newest event the drop policy
 * discarded (the client is told).
 * <p>
 * Publishers offer and mark concurrently; only the connection's writer polls.
 * Which mark applies to an event that does not fit is the {@link Subscriber}'s
 * decision, by its phase.
 */
final class LiveQueue {

	private final int depth;

	private final ConcurrentLinkedQueue<StoredEvent> events = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final AtomicReference<EventId> missedThrough = new AtomicReference<>();

	private final AtomicReference<EventId> droppedThrough = new AtomicReference<>();

	LiveQueue(int depth) {
		this.depth = depth;
	}

	/**
	 * Queues an event unless the queue is full; never blocks.
	 * @return {@code false} when it did not fit
	 */
	boolean offer(StoredEvent event) {
		if (this.size.incrementAndGet() > this.depth) {
			this.size.decrementAndGet();
			return false;
		}
		this.events.offer(event);
		return true;
	}

	/**
	 * Takes the oldest queued event; the writer's only.
	 * @return the event, or {@code null} when the queue is empty
	 */
	StoredEvent poll() {
		StoredEvent event = this.events.poll();
		if (event != null) {
			this.size.decrementAndGet();
		}
		return event;
	}

	boolean isEmpty() {
		return this.events.isEmpty();
	}

	int size() {
		return this.size.get();
	}

	/**
	 * Removes the queued events that the writer has already written from the
	 * store, so that they do not count against a connection that has caught up.
	 * @param cursor where the connection is in its stream
	 */
	void dropWritten(ReplayCursor cursor) {
		StoredEvent event;
		while ((event = this.events.peek()) != null && event.id().sameEpoch(cursor.position())
				&& !cursor.isAfterPosition(event.id())) {
			poll();
		}
	}

	/**
	 * Empties the queue.
	 * @return how many events it held
	 */
	int clear() {
		int discarded = this.size.getAndSet(0);
		this.events.clear();
		return discarded;
	}

	/**
	 * Marks an event that did not fit while history was being written.
	 */
	void missed(EventId id) {
		this.missedThrough.accumulateAndGet(id, EventId::newer);
	}

	boolean hasMissed() {
		return this.missedThrough.get() != null;
	}

	/**
	 * Forgets the missed mark, before a read from the store that covers it.
	 */
	void clearMissed() {
		this.missedThrough.set(null);
	}

	/**
	 * Marks an event the drop policy discarded.
	 */
	void dropped(EventId id) {
		this.droppedThrough.accumulateAndGet(id, EventId::newer);
	}

	/**
	 * Returns the newest event the drop policy discarded.
	 * @return its id, or {@code null} when none was
	 */
	EventId droppedThrough() {
		return this.droppedThrough.get();
	}

}
