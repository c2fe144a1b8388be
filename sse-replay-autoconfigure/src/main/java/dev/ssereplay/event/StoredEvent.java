package dev.ssereplay.event;

/**
 * An event as the replay store holds it: its stream, its position and its whole
 * wire form, formatted once when it was appended and written as-is by replay and
 * live fan-out alike.
 * <p>
 * The {@code frame} array is shared, never copied: it must not be modified.
 *
 * @param stream the stream the event belongs to
 * @param id the position of the event in its stream
 * @param name the event name, or {@code null} for the default {@code message}
 * @param frame the complete event block ({@code id:}, {@code event:},
 * {@code data:} lines and the blank line) as UTF-8
 * @param timestamp when the event was appended, in epoch milliseconds
 * @param ends whether this is the stream's final event, after which
 * connections end
 */
public record StoredEvent(String stream, EventId id, String name, byte[] frame, long timestamp, boolean ends) {

	/**
	 * Creates an event that does not end its stream.
	 * @param stream the stream the event belongs to
	 * @param id the position of the event in its stream
	 * @param name the event name, or {@code null}
	 * @param frame the complete event block as UTF-8
	 * @param timestamp when the event was appended, in epoch milliseconds
	 */
	public StoredEvent(String stream, EventId id, String name, byte[] frame, long timestamp) {
		this(stream, id, name, frame, timestamp, false);
	}

	/**
	 * Returns the sequence number of this event.
	 * @return the sequence number in the event's stream
	 */
	public long sequence() {
		return this.id.sequence();
	}

	/**
	 * Returns the number of bytes this event takes on the wire.
	 * @return the frame length
	 */
	public int size() {
		return this.frame.length;
	}

	/**
	 * Returns the name a client dispatches this event under.
	 * @return the event name, {@code message} when it has none
	 */
	public String dispatchName() {
		return (this.name != null) ? this.name : "message";
	}

}
