package dev.ssereplay.broker;

/**
 * Thrown when a connection subscribes while the broker is shutting down: the
 * client should reconnect, to this instance once it is back or to another one.
 */
public class BrokerClosedException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 */
	public BrokerClosedException() {
		super("The server is shutting down; reconnect to resume");
	}

}
