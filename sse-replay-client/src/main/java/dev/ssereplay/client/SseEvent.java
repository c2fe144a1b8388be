package dev.ssereplay.client;

import java.util.Objects;

/**
 * One event dispatched from an event stream.
 *
 * <p>The {@code id} is the stream's last event id at the moment the event was
 * dispatched, as a browser's {@code MessageEvent.lastEventId} is: an event whose
 * block had no {@code id:} line carries the id of an earlier one, and it is the empty
 * string when no id has been seen or the server cleared it.
 *
 * @param id the last event id when the event was dispatched, never {@code null}
 * @param name the event type, {@code message} when the block named none
 * @param data the {@code data:} lines joined with a line feed
 */
public record SseEvent(String id, String name, String data) {

	/**
	 * Creates an event.
	 * @param id the last event id when the event was dispatched, never {@code null}
	 * @param name the event type, never {@code null}
	 * @param data the event data, never {@code null}
	 */
	public SseEvent {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(data, "data");
	}

}
