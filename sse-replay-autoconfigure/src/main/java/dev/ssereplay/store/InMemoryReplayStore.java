package dev.ssereplay.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * {@code limit} references.
 */
public final class InMemoryReplayStore implements ReplayStore {

	private static final Logger logger = LoggerFactory.getLogger(InMemoryReplayStore.class);

	private static final long LIMIT_LOG_INTERVAL_MILLIS = 60_000;

	private final int maxEventsPerStream;

	private final long maxBytes;

	private final long timeToLiveMillis;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<String, StreamHistory> streams = new HashMap<>();

	private final List<Consumer<StoredEvent>> listeners = new CopyOnWriteArrayList<>();

	private volatile Predicate<String> inUse = (stream) -> false;

	private final RetainedEvents retained = new RetainedEvents();

	private final AtomicLong listenerFailures = new AtomicLong();

	private final AtomicLong[] evictions = { new AtomicLong(), new AtomicLong(), new AtomicLong() };

	private long lastLimitLog;

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
		this.maxEventsPerStream = maxEventsPerStream;
		this.maxBytes = maxBytes;
		this.timeToLiveMillis = timeToLive.toMillis();
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
		Appended appended = append(stream, event, false, null, key);
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
		StoredEvent ending = locked(() -> {
			StreamHistory history = this.streams.get(stream);
			if (history == null || history.deleted) {
				return null;
			}
			this.retained.unlinkAll(history);
			long now = this.clock.millis();
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
		});
		if (ending != null) {
			notifyListeners(ending);
		}
		return ending;
	}

	// What an append did: stored an event, or found its key used.
	private record Appended(StoredEvent stored, EventId repeated) {

	}

	private Appended append(String stream, SseEvent event, boolean ends, Duration keepFor, IdempotencyKey key) {
		StreamNames.check(stream);
		byte[] body = SseFormat.body(event);
		// The id line is at most 40 bytes more than the body.
		long needed = RetainedEvents.size(body.length + 40, event.name()) + RetainedEvents.streamSize(stream);
		if (needed > this.maxBytes) {
			throw new IllegalArgumentException("Event of " + body.length + " bytes cannot fit in a store of "
					+ this.maxBytes + " bytes (sse.replay.store.max-bytes)");
		}
		Appended outcome = locked(() -> {
			long now = this.clock.millis();
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
				evict(history.oldest(), EvictionReason.COUNT);
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
				evict(this.retained.oldest(), EvictionReason.BYTES);
			}
			return new Appended(appended, null);
		});
		if (outcome.stored() != null) {
			notifyListeners(outcome.stored());
		}
		return outcome;
	}

	private void notifyListeners(StoredEvent stored) {
		for (Consumer<StoredEvent> listener : this.listeners) {
			try {
				listener.accept(stored);
			}
			catch (RuntimeException ex) {
				this.listenerFailures.incrementAndGet();
				logger.warn("Listener failed for event {} of stream '{}'", stored.id(), stored.stream(), ex);
			}
		}
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
		return locked(() -> history(stream).head());
	}

	@Override
	public StreamStatus status(String stream) {
		StreamNames.check(stream);
		return locked(() -> history(stream).status());
	}

	@Override
	public ReadResult readAfter(String stream, EventId after, int limit) {
		StreamNames.check(stream);
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
		return locked(() -> {
			expire(this.clock.millis());
			return history(stream).read(after, limit);
		});
	}

	@Override
	public StreamSummary summary(String stream) {
		StreamNames.check(stream);
		return locked(() -> {
			StreamHistory history = this.streams.get(stream);
			return (history != null) ? history.summary() : null;
		});
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
		String[] names = locked(() -> this.streams.keySet().toArray(new String[0]));
		List<String> selected = StreamPage.namesAfter(names, from, limit + 1);
		boolean more = selected.size() > limit;
		if (more) {
			selected = selected.subList(0, limit);
		}
		List<String> chosen = selected;
		List<StreamSummary> summaries = locked(() -> {
			List<StreamSummary> found = new ArrayList<>(chosen.size());
			for (String name : chosen) {
				StreamHistory history = this.streams.get(name);
				if (history != null) {
					found.add(history.summary());
				}
			}
			return found;
		});
		return new StreamPage(summaries, more ? chosen.get(chosen.size() - 1) : null);
	}

	@Override
	public void addListener(Consumer<StoredEvent> listener) {
		this.listeners.add(listener);
	}

	@Override
	public void retainWhile(Predicate<String> inUse) {
		this.inUse = inUse;
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
			long now = this.clock.millis();
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
			return null;
		});
	}

	@Override
	public long eventCount() {
		return this.retained.events();
	}

	@Override
	public long byteCount() {
		return this.retained.bytes();
	}

	@Override
	public long listenerFailures() {
		return this.listenerFailures.get();
	}

	@Override
	public long evictions(EvictionReason reason) {
		return this.evictions[reason.ordinal()].get();
	}

	/**
	 * Returns the number of streams the store holds, with or without events.
	 * @return streams
	 */
	public int streamCount() {
		return locked(this.streams::size);
	}

	private <T> T locked(java.util.function.Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	// The methods below run with the lock held.

	private StreamHistory history(String stream) {
		StreamHistory history = this.streams.get(stream);
		if (history == null) {
			history = new StreamHistory(stream, EventId.newEpoch(), this.maxEventsPerStream);
			this.streams.put(stream, history);
			this.retained.count(RetainedEvents.streamSize(stream));
		}
		return history;
	}

	private void expire(long now) {
		long cutoff = now - this.timeToLiveMillis;
		while (this.retained.oldest() != null && this.retained.oldest().event.timestamp() <= cutoff) {
			evict(this.retained.oldest(), EvictionReason.EXPIRED);
		}
	}

	private void evict(StreamHistory.Node node, EvictionReason reason) {
		StreamHistory history = node.history;
		this.retained.unlink(node);
		if (reason == EvictionReason.EXPIRED) {
			history.expiredThrough = node.event.sequence();
		}
		this.evictions[reason.ordinal()].incrementAndGet();
		if (reason == EvictionReason.BYTES) {
			logLimit();
			if (history.size == 0 && !this.inUse.test(history.stream) && this.streams.remove(history.stream) != null) {
				this.retained.count(-history.retainedWithoutEvents());
			}
		}
	}

	private void remove(StreamHistory history) {
		this.retained.unlinkAll(history);
		if (this.streams.remove(history.stream, history)) {
			this.retained.count(-history.retainedWithoutEvents());
		}
	}

	private void logLimit() {
		long now = this.clock.millis();
		if (now - this.lastLimitLog >= LIMIT_LOG_INTERVAL_MILLIS) {
			this.lastLimitLog = now;
			logger.warn("Replay store holds its maximum of {} bytes (sse.replay.store.max-bytes); the oldest events "
					+ "are being removed, and clients that resume from them will get a resync", this.maxBytes);
		}
	}

}
