package dev.ssereplay.broker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>
 * The events sit in an array ring that publishers fill without a lock and the
 * writer empties, so that queuing an event allocates nothing. The ring is
 * created by the first offer, small, and replaced by one twice as large (up to
 * the depth) only when the events waiting outgrow it: an idle connection holds no
 * array, a connection that keeps up a small one. A grown ring is linked from the
 * slot after the last event it received before the replacement, which holds a
 * jump mark, so the writer reads the old ring to its end, then the new one: no
 * event is copied, and the order is the order in which publishers claimed their
 * slots. Positions advance by two; an odd producer position means that a
 * publisher is replacing the ring, and the others wait for that short step.
 * <p>
 * An event offered but not yet stored in its slot reads as absent: the writer
 * stops there, and the publisher wakes it once the event is in place.
 */
final class LiveQueue {

	private static final int INITIAL_CAPACITY = 4;

	private static final Object JUMP = new Object();

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

	private static final VarHandle PRODUCER_INDEX;

	private static final VarHandle PRODUCER_LIMIT;

	private static final VarHandle CONSUMER_INDEX;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PRODUCER_INDEX = lookup.findVarHandle(LiveQueue.class, "producerIndex", long.class);
			PRODUCER_LIMIT = lookup.findVarHandle(LiveQueue.class, "producerLimit", long.class);
			CONSUMER_INDEX = lookup.findVarHandle(LiveQueue.class, "consumerIndex", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final int depth;

	// The largest ring, a power of two that holds the depth.
	private final int maxCapacity;

	private final AtomicInteger size = new AtomicInteger();

	private final AtomicReference<EventId> missedThrough = new AtomicReference<>();

	private final AtomicReference<EventId> droppedThrough = new AtomicReference<>();

	// Publishers' side: the next position to claim (twice the count of events
	// offered, odd while the ring is replaced), the position the current ring
	// can take without looking at the writer's, and the ring.
	private volatile long producerIndex;

	private volatile long producerLimit;

	private volatile Object[] producerRing;

	private volatile long producerMask;

	// The first ring, where the writer starts; set by the first offer and
	// cleared by the writer once it holds the ring.
	private volatile Object[] firstRing;

	// Writer's side: the next position to read; the ring and its mask are
	// confined to the writer.
	private volatile long consumerIndex;

	private Object[] consumerRing;

	private long consumerMask;

	LiveQueue(int depth) {
		this.depth = depth;
		int capacity = 1;
		while (capacity < depth && capacity < (1 << 30)) {
			capacity <<= 1;
		}
		this.maxCapacity = capacity;
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
		if (!store(event)) {
			this.size.decrementAndGet();
			return false;
		}
		return true;
	}

	/**
	 * Takes the oldest queued event; the writer's only.
	 * @return the event, or {@code null} when the queue is empty
	 */
	StoredEvent poll() {
		StoredEvent event = take(true);
		if (event != null) {
			this.size.decrementAndGet();
		}
		return event;
	}

	/**
	 * Whether the writer finds no event to take now; the writer's only.
	 */
	boolean isEmpty() {
		return take(false) == null;
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
		while ((event = take(false)) != null && event.id().sameEpoch(cursor.position())
				&& !cursor.isAfterPosition(event.id())) {
			poll();
		}
	}

	/**
	 * Empties the queue; the writer's only.
	 * @return how many events it held
	 */
	int clear() {
		int discarded = 0;
		while (poll() != null) {
			discarded++;
		}
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

	// Publishers: claims the next position and stores the event in its slot.
	private boolean store(StoredEvent event) {
		long index;
		long mask;
		Object[] ring;
		while (true) {
			long limit = this.producerLimit;
			index = this.producerIndex;
			if ((index & 1) == 1) {
				// Another publisher is replacing the ring.
				Thread.onSpinWait();
				continue;
			}
			mask = this.producerMask;
			ring = this.producerRing;
			if (index >= limit) {
				long consumer = this.consumerIndex;
				if (consumer + usable(ring, mask) > index) {
					// The ring has room now that the writer has moved on.
					PRODUCER_LIMIT.compareAndSet(this, limit, consumer + usable(ring, mask));
					continue;
				}
				if (index - consumer >= 2L * this.maxCapacity) {
					return false;
				}
				if (PRODUCER_INDEX.compareAndSet(this, index, index + 1)) {
					grow(ring, mask, index, event);
					return true;
				}
				continue;
			}
			if (PRODUCER_INDEX.compareAndSet(this, index, index + 2)) {
				break;
			}
		}
		SLOT.setRelease(ring, slot(index, mask), event);
		return true;
	}

	// Publishers, holding the odd producer position: links a larger ring, with the
	// event in it, and releases the position.
	private void grow(Object[] ring, long mask, long index, StoredEvent event) {
		int capacity = (ring != null) ? Math.min(2 * (ring.length - 1), this.maxCapacity)
				: Math.min(INITIAL_CAPACITY, this.maxCapacity);
		Object[] grown = new Object[capacity + 1];
		long grownMask = (capacity - 1L) << 1;
		this.producerRing = grown;
		this.producerMask = grownMask;
		SLOT.setRelease(grown, slot(index, grownMask), event);
		if (ring != null) {
			SLOT.setRelease(ring, ring.length - 1, grown);
		}
		else {
			this.firstRing = grown;
		}
		long available = 2L * this.maxCapacity - (index - this.consumerIndex);
		this.producerLimit = index + Math.min(grownMask, available);
		this.producerIndex = index + 2;
		if (ring != null) {
			// Last: the writer follows the link only once every earlier slot is read.
			SLOT.setRelease(ring, slot(index, mask), JUMP);
		}
	}

	// The writer: returns the next event, and takes it when asked.
	private StoredEvent take(boolean remove) {
		Object[] ring = this.consumerRing;
		if (ring == null) {
			ring = this.firstRing;
			if (ring == null) {
				return null;
			}
			follow(ring);
			// Read once: the writer holds the ring from here on, and the rings it
			// leaves behind can go.
			this.firstRing = null;
		}
		long index = this.consumerIndex;
		int slot = slot(index, this.consumerMask);
		Object element = SLOT.getAcquire(ring, slot);
		if (element == null) {
			return null;
		}
		if (element == JUMP) {
			ring = (Object[]) SLOT.getAcquire(ring, ring.length - 1);
			follow(ring);
			slot = slot(index, this.consumerMask);
			element = SLOT.getAcquire(ring, slot);
		}
		if (remove) {
			SLOT.setRelease(ring, slot, null);
			CONSUMER_INDEX.setRelease(this, index + 2);
		}
		return (StoredEvent) element;
	}

	// What a ring can hold, in positions: all of it at the largest size, else one
	// slot less, kept for the jump mark of its replacement.
	private long usable(Object[] ring, long mask) {
		if (ring == null) {
			return 0;
		}
		return (mask + 2 == 2L * this.maxCapacity) ? mask + 2 : mask;
	}

	private void follow(Object[] ring) {
		this.consumerRing = ring;
		this.consumerMask = (ring.length - 2L) << 1;
	}

	private static int slot(long index, long mask) {
		return (int) ((index & mask) >> 1);
	}

}
