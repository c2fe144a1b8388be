package dev.ssereplay.store;

/**
 * Thrown when an event is published to a stream that has ended, or a client
 * subscribes to one with nothing left to receive. The stream accepts events
 * again once its history is gone (its time to live after the end, or the
 * retention given when it was completed); a deleted stream accepts them at
 * once, in a new epoch.
 * <p>
 * sse-replay's exception handler answers a {@code GET} with
 * {@code 204 No Content}, which stops a browser's {@code EventSource} for good,
 * and any other request with {@code 409 Conflict}.
 */
public class StreamCompletedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String stream;

	/**
	 * Creates the exception.
	 * @param stream the stream that has ended
	 */
	public StreamCompletedException(String stream) {
		super("Stream '" + stream + "' has ended");
		this.stream = stream;
	}

	/**
	 * Returns the stream that has ended.
	 * @return the stream name
	 */
	public String getStream() {
		return this.stream;
	}

}
