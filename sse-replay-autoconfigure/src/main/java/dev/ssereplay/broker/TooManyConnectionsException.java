package dev.ssereplay.broker;

/**
 * Thrown when a subscriber would exceed the maximum number of connections.
 */
public class TooManyConnectionsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param limit the maximum that was reached
	 */
	public TooManyConnectionsException(int limit) {
		super("The maximum of " + limit + " connections (sse.replay.max-connections) is reached; "
				+ "try again later or raise the limit");
	}

}
