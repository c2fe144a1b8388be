package dev.ssereplay.broker;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.store.StreamStatus;

/**
 * A connection's place in its stream, and every decision that follows from it:
 * what a connection starts with, which events of a replay page or of the live
 * queue it writes, and when it must read the store again instead. It keeps the
 * promise "every event after the position, once, in order, or told": an event at
 * or before the position is skipped, a hole or another epoch sends the writer
 * back to the store, and a position the store cannot serve becomes a resync
 * event whose id is the head the client continues from.
 * <p>
 * Confined to the connection's writer; it has no threads and no locks, so it can
 * be driven step by step in tests.
 */
final class ReplayCursor {

	/**
	 * Where the writer goes on after a step.
	 */
	enum Next {

		/** Read the store: a resume, a hole in the live path, more pages. */
		REPLAY,

		/** Take live events from the queue. */
		LIVE

	}

	private static final int FIRST_PAGE = 16;

	private final String stream;

	private final Predicate<String> eventNames;

	private final String resyncEventName;

	private final BrokerStatistics statistics;

	private final Consumer<RuntimeException> filterFailed;

	private EventId position;

	// The id of the stream's final event once known, or of a deleted lifetime's
	// head: the connection ends once the position reaches it.
	private EventId end;

	// Whether a replay found the position's lifetime deleted.
	private boolean lifetimeDeleted;

	// How many events to read next; starts small, so that a first page of large
	// events is not read whole, and follows the size of the events read.
	private int pageHint = FIRST_PAGE;

	/**
	 * Creates a cursor.
	 * @param stream the stream name
	 * @param eventNames which event names to write, or {@code null} for all
	 * @param resyncEventName the name of the resync event
	 * @param statistics where resync events are counted
	 * @param filterFailed told when the filter throws; the event is written
	 */
	ReplayCursor(String stream, Predicate<String> eventNames, String resyncEventName, BrokerStatistics statistics,
			Consumer<RuntimeException> filterFailed) {
		this.stream = stream;
		this.eventNames = eventNames;
		this.resyncEventName = resyncEventName;
		this.statistics = statistics;
		this.filterFailed = filterFailed;
	}

	/**
	 * Writes what a connection starts with. A fresh connect gets the priming block
	 * (the head's id, no data), so a client that drops before any event still
	 * resumes from the right place; a resume gets only the retry field and never
	 * the head before the replay; a malformed id gets the resync event.
	 * @param from the client's position
	 * @param status the stream's status read when the subscriber registered: its
	 * head, for a fresh or malformed position, and its end if it has ended
	 * @param retry the reconnection delay to send, or {@code null}
	 * @param batch where the frames go
	 * @return {@link Next#REPLAY} for a resume
	 */
	Next start(Position from, StreamStatus status, Duration retry, FrameBatch batch) {
		this.end = status.end();
		EventId head = status.head();
		if (from instanceof Position.After after) {
			if (retry != null) {
				batch.add(SseFormat.priming(null, retry));
			}
			this.position = after.id();
			return Next.REPLAY;
		}
		if (from instanceof Position.Malformed) {
			if (retry != null) {
				batch.add(SseFormat.priming(null, retry));
			}
			resync(ResyncReason.MALFORMED, head, batch);
			return Next.LIVE;
		}
		batch.add(SseFormat.priming(head.toString(), retry));
		this.position = head;
		return Next.LIVE;
	}

	/**
	 * Returns how many events the next page should read: as many as the last
	 * page's events say fit the byte bound, at most the given number.
	 * @param maxEvents the most events to read
	 * @return the page size to ask the store for, positive
	 */
	int pageLimit(int maxEvents) {
		return Math.min(maxEvents, this.pageHint);
	}

	/**
	 * Writes one page of history read after the position (with
	 * {@link #pageLimit}, while the position stayed where it is), or the resync
	 * event when the store cannot serve the position. A page stops where the
	 * batch would exceed its byte bound, so that one write, and what a connection
	 * that stops reading leaves in the container, stays bounded however large the
	 * events; the next page starts after the last event written.
	 * @param result what the store answered
	 * @param limit the page size the store was asked for
	 * @param maxBytes the most bytes the batch may hold after this page, but for
	 * one event when it is empty
	 * @param batch where the frames go
	 * @return {@link Next#LIVE} once the page reached the head
	 */
	Next replay(ReadResult result, int limit, int maxBytes, FrameBatch batch) {
		if (result instanceof ReadResult.Deleted) {
			// Nothing of the lifetime is left to read: what the live queue holds of
			// it decides, and then the connection ends (endDeletedLifetime).
			this.lifetimeDeleted = true;
			return Next.LIVE;
		}
		if (result instanceof ReadResult.CannotServe cannotServe) {
			resync(cannotServe.reason(), cannotServe.head(), batch);
			return Next.LIVE;
		}
		ReadResult.Events page = (ReadResult.Events) result;
		EventId after = this.position;
		List<StoredEvent> events = page.events();
		long bytesRead = 0;
		int read = 0;
		boolean full = false;
		for (StoredEvent event : events) {
			byte[] frame = event.frame();
			if (!batch.isEmpty() && batch.size() + frame.length > maxBytes) {
				full = true;
				break;
			}
			if (accepts(event)) {
				batch.addReplayed(frame);
			}
			this.position = event.id();
			if (event.ends()) {
				this.end = event.id();
			}
			bytesRead += frame.length;
			read++;
		}
		if (read > 0) {
			// Read next as many events as this page's average says fit the bound, so
			// that a store that copies events (Redis) does not fetch far more than is
			// written; pageLimit caps it.
			this.pageHint = (int) Math.max(1,
					Math.min(Integer.MAX_VALUE, maxBytes * (long) read / Math.max(1, bytesRead)));
		}
		if (full) {
			return Next.REPLAY;
		}
		return (events.size() < limit || page.reachedHead(after)) ? Next.LIVE : Next.REPLAY;
	}

	/**
	 * Takes one live event from the queue.
	 * @param event the event
	 * @param droppedThrough the newest event the drop policy discarded, or
	 * {@code null}
	 * @param batch where the frame goes
	 * @return {@link Next#REPLAY} when the event shows that the live path missed
	 * something: the store has it
	 */
	Next live(StoredEvent event, EventId droppedThrough, FrameBatch batch) {
		if (this.lifetimeDeleted) {
			// Only the deletion's final event is still worth writing; the events
			// before it are gone, as the client learns when it comes back.
			if (event.ends() && event.id().sameEpoch(this.position)) {
				batch.addLive(event.frame());
				this.position = event.id();
				this.end = event.id();
			}
			return Next.LIVE;
		}
		if (!event.id().sameEpoch(this.position)) {
			return Next.REPLAY;
		}
		long sequence = event.sequence();
		if (sequence <= this.position.sequence()) {
			// Written already, by the replay.
			return Next.LIVE;
		}
		if (sequence > this.position.sequence() + 1) {
			if (isAfterPosition(droppedThrough) && droppedThrough.sequence() >= sequence - 1) {
				// The hole is what the drop policy discarded: say so rather than read it.
				resync(ResyncReason.DROPPED, new EventId(this.position.epoch(), sequence - 1), batch);
			}
			else {
				return Next.REPLAY;
			}
		}
		if (accepts(event)) {
			batch.addLive(event.frame());
		}
		this.position = event.id();
		if (event.ends()) {
			this.end = event.id();
		}
		return Next.LIVE;
	}

	/**
	 * Tells the client that live events were discarded, once the queue holds
	 * nothing more: the drop policy's events after the position are gone.
	 * @param droppedThrough the newest event discarded, or {@code null}
	 * @param batch where the resync event goes
	 */
	void dropped(EventId droppedThrough, FrameBatch batch) {
		if (isAfterPosition(droppedThrough)) {
			resync(ResyncReason.DROPPED, droppedThrough, batch);
		}
	}

	/**
	 * Whether an id is later than the position, in the same lifetime.
	 * @param id an id, may be {@code null}
	 * @return {@code true} when the client has not had it yet
	 */
	boolean isAfterPosition(EventId id) {
		EventId current = this.position;
		return id != null && current != null && id.sameEpoch(current) && id.sequence() > current.sequence();
	}

	/**
	 * Whether a replay found the lifetime deleted.
	 * @return {@code true} when the connection is to end
	 */
	boolean isLifetimeDeleted() {
		return this.lifetimeDeleted;
	}

	/**
	 * Ends a connection whose lifetime was deleted, once the live queue was
	 * drained for the final event.
	 */
	void endDeletedLifetime() {
		if (this.end == null || !this.end.sameEpoch(this.position)) {
			this.end = this.position;
		}
	}

	/**
	 * Whether the connection has written everything its stream will ever have:
	 * the final event, or all there is of a stream that had ended or was deleted.
	 * @return {@code true} when the connection should end
	 */
	boolean hasEnded() {
		EventId current = this.position;
		return this.end != null && current != null
				&& (!current.sameEpoch(this.end) || current.sequence() >= this.end.sequence());
	}

	/**
	 * Returns the id of the last event written or skipped.
	 * @return the position, {@code null} before {@link #start}
	 */
	EventId position() {
		return this.position;
	}

	private void resync(ResyncReason reason, EventId head, FrameBatch batch) {
		String data = "{\"reason\":\"" + reason.tag() + "\",\"head\":\"" + head + "\"}";
		batch.add(SseFormat.event(head.toString(), new SseEvent(this.resyncEventName, data)));
		this.position = head;
		this.statistics.resync(reason);
	}

	private boolean accepts(StoredEvent event) {
		// The final event is written whatever the filter: the client must see the end.
		if (this.eventNames == null || event.ends()) {
			return true;
		}
		try {
			return this.eventNames.test(event.dispatchName());
		}
		catch (RuntimeException ex) {
			// Written rather than lost: the client is told of every event it asked for.
			this.filterFailed.accept(ex);
			return true;
		}
	}

	@Override
	public String toString() {
		return "ReplayCursor[stream=" + this.stream + ", position=" + this.position + "]";
	}

}
