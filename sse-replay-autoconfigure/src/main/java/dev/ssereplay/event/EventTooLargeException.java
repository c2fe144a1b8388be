package dev.ssereplay.event;

/**
 * Thrown when an event is larger than the configured maximum; the event is not
 * stored.
 */
public class EventTooLargeException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final long size;

	private final long limit;

	/**
	 * Creates the exception.
	 * @param size the size of the formatted event in bytes
	 * @param limit the maximum in bytes
	 */
	public EventTooLargeException(long size, long limit) {
		super("Event of " + size + " bytes exceeds the maximum of " + limit
				+ " bytes (sse.replay.max-event-size); publish smaller events or raise the limit");
		this.size = size;
		this.limit = limit;
	}

	/**
	 * Returns the size of the rejected event.
	 * @return bytes
	 */
	public long getSize() {
		return this.size;
	}

	/**
	 * Returns the limit that was exceeded.
	 * @return bytes
	 */
	public long getLimit() {
		return this.limit;
	}

}
