package dev.ssereplay.store;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;

/**
 * Where a stream stands: its head, and whether it has ended.
 *
 * @param head the position of the newest event, or before the first when it has
 * none
 * @param end the id of the final event when the stream has ended, else
 * {@code null}
 * @param deleted whether the ended stream's history was removed, so that no id
 * of its lifetime can be served
 */
public record StreamStatus(EventId head, EventId end, boolean deleted) {

	/**
	 * The status of a stream that has not ended.
	 * @param head its head
	 * @return the status
	 */
	public static StreamStatus open(EventId head) {
		return new StreamStatus(head, null, false);
	}

	/**
	 * Whether the stream has ended.
	 * @return {@code true} after its final event
	 */
	public boolean hasEnded() {
		return this.end != null;
	}

	/**
	 * Whether a client at a position has nothing left to receive: the stream has
	 * ended, and the client is fresh, has the final event, or comes back with an
	 * id of a deleted lifetime. A client in another lifetime, or with a malformed
	 * id, is told with the resync event first.
	 * @param from the client's position
	 * @return {@code true} when the answer is that the stream has ended
	 */
	public boolean isOverFor(Position from) {
		if (this.end == null) {
			return false;
		}
		if (from instanceof Position.After after) {
			EventId id = after.id();
			return id.sameEpoch(this.end) && (this.deleted || id.sequence() >= this.end.sequence());
		}
		return from instanceof Position.Fresh;
	}

}
