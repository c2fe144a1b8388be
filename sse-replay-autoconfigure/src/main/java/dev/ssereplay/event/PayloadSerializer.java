package dev.ssereplay.event;

/**
 * Turns a typed payload into the text of an event's data, once per event.
 */
@FunctionalInterface
public interface PayloadSerializer {

	/**
	 * Serializes a payload.
	 * @param payload the payload, never {@code null} and never a {@link CharSequence}
	 * (text is published verbatim)
	 * @return the event data
	 */
	String serialize(Object payload);

}
