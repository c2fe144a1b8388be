package dev.ssereplay.store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.event.StreamNames;

/**
 * A {@link ReplayStore} in this process's memory: a ring buffer per stream
 * ({@code StreamHistory}), bounded by events per stream, by total bytes for the
 * whole process and by age. The byte bound counts what is really retained: each
 * event's frame plus the objects that hold it, each stream's own objects and its
 * idempotency keys ({@code RetainedEvents} estimates them). Streams with no
 * retained events and no subscribers are removed, once their position can no
 * longer come back (see {@link #housekeep()}); a stream created again, like every
 * stream after a restart, gets a new epoch.
 * <p>
 * Finding the events after a position is O(1): the position's sequence number
 * indexes the ring directly. Besides its ring, every event is linked into one
 * process-wide list in append order, so the byte and age bounds always remove
 * the oldest event of the whole process in O(1).
 * <p>
 * Thread-safe. All state, the histories' and the list's included, is guarded by
 * one lock, taken only in {@link #locked(java.util.function.Supplier)};
 * formatting happens before it and listeners are called after it. The critical
 * sections are a few array and pointer updates and, for a read, copying at most
 * {@code limit} references. What happens under the lock, the lifetimes and the
 * bounds, is {@code StreamHistories}'s; this class checks arguments, formats,
 * dates, locks and tells listeners.
 */
public final class InMemoryReplayStore implements ReplayStore {

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	// Guarded by lock, except its counts and retainWhile, which need none.
	private final StreamHistories histories;

	private final StoreListeners listeners = new StoreListeners();

	/**
	 * Creates a store.
	 * @param maxEventsPerStream the most events kept per stream, positive
	 * @param maxBytes the most bytes of formatted events kept by the process, positive
	 * @param timeToLive how long an event is kept, positive
	 * @param clock the clock that dates events
	 */
	public InMemoryReplayStore(int maxEventsPerStream, long maxBytes, Duration timeToLive, Clock clock) {
		if (maxEventsPerStream < 1) {
			throw new IllegalArgumentException("maxEventsPerStream must be positive, was " + maxEventsPerStream);
		}
		if (maxBytes < 1) {
			throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
		}
		if (timeToLive.isNegative() || timeToLive.isZero()) {
			throw new IllegalArgumentException("timeToLive must be positive, was " + timeToLive);
		}
		this.histories = new StreamHistories(maxEventsPerStream, maxBytes, timeToLive.toMillis());
		this.clock = clock;
	}

	/**
	 * Creates a store on the system clock.
	 * @param maxEventsPerStream the most events kept per stream
	 * @param maxBytes the most bytes of formatted events kept by the process
	 * @param timeToLive how long an event is kept
	 */
	public InMemoryReplayStore(int maxEventsPerStream, long maxBytes, Duration timeToLive) {
		this(maxEventsPerStream, maxBytes, timeToLive, Clock.systemUTC());
	}

	@Override
	public StoredEvent append(String stream, SseEvent event) {
		return append(stream, event, false, null, null).stored();
	}

	/**
	 * Appends an event unless the stream's lifetime holds an append with the same
	 * key from within the time to live. Keys count towards the byte bound, and a
	 * stream remembers at most as many as it keeps events.
	 */
	@Override
	public IdempotentAppend appendOnce(String stream, SseEvent event, IdempotencyKey key) {
		Objects.requireNonNull(key, "key");
		StreamHistories.Appended appended = append(stream, event, false, null, key);
		return (appended.stored() != null) ? new IdempotentAppend(appended.stored().id(), false)
				: new IdempotentAppend(appended.repeated(), true);
	}

	@Override
	public StoredEvent complete(String stream, SseEvent finalEvent, Duration keepFor) {
		return append(stream, finalEvent, true, keepFor, null).stored();
	}

	/**
	 * Removes the stream's events at once and ends its lifetime; the final event
	 * reaches the listeners but is not stored. The stream's position stays, as a
	 * stream without events, for the time to live, so that clients with its ids
	 * are told it ended.
	 */
	@Override
	public StoredEvent delete(String stream, SseEvent finalEvent) {
		StreamNames.check(stream);
		byte[] body = SseFormat.body(finalEvent);
		StoredEvent ending = locked(() -> this.histories.delete(stream, finalEvent, body, this.clock.millis()));
		if (ending != null) {
			this.listeners.notifyOf(ending);
		}
		return ending;
	}

	private StreamHistories.Appended append(String stream, SseEvent event, boolean ends, Duration keepFor,
			IdempotencyKey key) {
		StreamNames.check(stream);
		byte[] body = SseFormat.body(event);
		this.histories.requireFits(stream, event, body);
		StreamHistories.Appended outcome = locked(
				() -> this.histories.append(stream, event, body, ends, keepFor, key, this.clock.millis()));
		if (outcome.stored() != null) {
			this.listeners.notifyOf(outcome.stored());
		}
		return outcome;
	}

	/**
	 * Returns {@code false}: an append takes the store's lock for as long as it
	 * takes to format and add one event, and waits on nothing else.
	 */
	@Override
	public boolean appendMayWait() {
		return false;
	}

	@Override
	public EventId head(String stream) {
		StreamNames.check(stream);
		return locked(() -> this.histories.history(stream).head());
	}

	@Override
	public StreamStatus status(String stream) {
		StreamNames.check(stream);
		return locked(() -> this.histories.history(stream).status());
	}

	@Override
	public ReadResult readAfter(String stream, EventId after, int limit) {
		StreamNames.check(stream);
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
		return locked(() -> this.histories.readAfter(stream, after, limit, this.clock.millis()));
	}

	@Override
	public StreamSummary summary(String stream) {
		StreamNames.check(stream);
		return locked(() -> this.histories.summary(stream));
	}

	/**
	 * Lists streams in the order of their names; a page starts after the name
	 * its {@code from} gives.
	 */
	@Override
	public StreamPage streams(String from, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
		String[] names = locked(this.histories::names);
		List<String> selected = StreamPage.namesAfter(names, from, limit + 1);
		boolean more = selected.size() > limit;
		if (more) {
			selected = selected.subList(0, limit);
		}
		List<String> chosen = selected;
		List<StreamSummary> summaries = locked(() -> this.histories.summaries(chosen));
		return new StreamPage(summaries, more ? chosen.get(chosen.size() - 1) : null);
	}

	@Override
	public void addListener(Consumer<StoredEvent> listener) {
		this.listeners.add(listener);
	}

	@Override
	public void retainWhile(Predicate<String> inUse) {
		this.histories.retainWhile(inUse);
	}

	/**
	 * Removes events that outlived the time to live, and streams without events
	 * that are not in use: at once for a stream that never had an event (reading
	 * leaves nothing behind), a time to live after its last append or its last
	 * connection for one that had, so that a client that comes back with an id
	 * of it resumes without a resync for as long as it could have resumed from
	 * an event.
	 */
	@Override
	public void housekeep() {
		locked(() -> {
			this.histories.housekeep(this.clock.millis());
			return null;
		});
	}

	@Override
	public long eventCount() {
		return this.histories.eventCount();
	}

	@Override
	public long byteCount() {
		return this.histories.byteCount();
	}

	@Override
	public long listenerFailures() {
		return this.listeners.failures();
	}

	@Override
	public long evictions(EvictionReason reason) {
		return this.histories.evictions(reason);
	}

	/**
	 * Returns the number of streams the store holds, with or without events.
	 * @return streams
	 */
	public int streamCount() {
		return locked(this.histories::size);
	}

	private <T> T locked(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

}
