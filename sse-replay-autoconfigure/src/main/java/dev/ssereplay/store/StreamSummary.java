package dev.ssereplay.store;

import dev.ssereplay.event.EventId;

/**
 * One stream as the store holds it, for operators.
 *
 * @param stream the stream name
 * @param status its head and whether it has ended
 * @param events the events retained
 * @param bytes what they take, as the store's byte bound counts it; -1 when the
 * store does not know (Redis reports its own memory)
 */
public record StreamSummary(String stream, StreamStatus status, long events, long bytes) {

	/**
	 * Returns the id of the stream's newest event.
	 * @return the head
	 */
	public EventId head() {
		return this.status.head();
	}

}
