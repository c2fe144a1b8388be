package dev.ssereplay.broker;

/**
 * Thrown when a connection would exceed a connection limit: of the process, or
 * of one remote address or one user.
 */
public class TooManyConnectionsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient ConnectionLimit limit;

	/**
	 * Creates the exception for the total limit.
	 * @param limit the maximum that was reached
	 */
	public TooManyConnectionsException(int limit) {
		this(ConnectionLimit.TOTAL, limit);
	}

	/**
	 * Creates the exception.
	 * @param limit which limit was reached
	 * @param maximum its value
	 */
	public TooManyConnectionsException(ConnectionLimit limit, int maximum) {
		super("The maximum of " + maximum + " connections" + ((limit == ConnectionLimit.PER_ADDRESS)
				? " per remote address" : (limit == ConnectionLimit.PER_PRINCIPAL) ? " per user" : "")
				+ " (sse.replay." + limit.property() + ") is reached; try again later or raise the limit");
		this.limit = limit;
	}

	/**
	 * Returns which limit was reached.
	 * @return the limit
	 */
	public ConnectionLimit limit() {
		return this.limit;
	}

}
