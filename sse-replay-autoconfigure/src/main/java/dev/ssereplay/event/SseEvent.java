package dev.ssereplay.event;

/**
 * An event to publish: an optional name (the {@code event:} field, which
 * browsers dispatch to {@code addEventListener(name, ...)}) and its data.
 * <p>
 * The id is not part of the event: the replay store assigns it when the event is
 * appended.
 *
 * @param name the event name, or {@code null} for the default {@code message}
 * @param data the data, never {@code null}; may be empty and may span lines
 */
public record SseEvent(String name, String data) {

	/**
	 * Validates the event.
	 * @param name the event name, may be {@code null}; must not contain CR, LF or NUL
	 * @param data the data, never {@code null}
	 */
	public SseEvent {
		if (name != null) {
			SseFormat.checkField("event", name);
			if (name.isEmpty()) {
				name = null;
			}
		}
		if (data == null) {
			throw new InvalidEventException("Event data must not be null; use \"\" for an event without data");
		}
	}

	/**
	 * Creates an unnamed event.
	 * @param data the data
	 * @return the event
	 */
	public static SseEvent of(String data) {
		return new SseEvent(null, data);
	}

	/**
	 * Creates a named event.
	 * @param name the event name
	 * @param data the data
	 * @return the event
	 */
	public static SseEvent of(String name, String data) {
		return new SseEvent(name, data);
	}

}
