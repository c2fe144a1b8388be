package dev.ssereplay.store;

import java.util.List;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

/**
 * The answer to {@link ReplayStore#readAfter}: the events after a position, or
 * the reason the store cannot serve it. Both carry the stream's head at the time
 * of the read.
 */
public sealed interface ReadResult permits ReadResult.Events, ReadResult.CannotServe, ReadResult.Deleted {

	/**
	 * Returns the position of the newest event when the read was made.
	 * @return the head
	 */
	EventId head();

	/**
	 * The events after the requested position, oldest first, at most the
	 * requested limit; more may follow when the last one is before the head.
	 *
	 * @param events the events, never {@code null}
	 * @param head the head at the time of the read
	 */
	record Events(List<StoredEvent> events, EventId head) implements ReadResult {

		/**
		 * Whether the read reached the head.
		 * @param after the position that was read after
		 * @return {@code true} when no more events followed at read time
		 */
		public boolean reachedHead(EventId after) {
			EventId last = this.events.isEmpty() ? after : this.events.get(this.events.size() - 1).id();
			return last.sequence() >= this.head.sequence();
		}

	}

	/**
	 * The store cannot serve the requested position.
	 *
	 * @param reason why
	 * @param head the head at the time of the read, where the reader continues
	 */
	record CannotServe(ResyncReason reason, EventId head) implements ReadResult {
	}

	/**
	 * The position belongs to a lifetime of the stream that was deleted: it has
	 * ended, and nothing of it can be read.
	 *
	 * @param head the id of the deleted lifetime's final event
	 */
	record Deleted(EventId head) implements ReadResult {
	}

}
