package dev.ssereplay.store;

/**
 * Thrown when a replay store cannot be reached; for an append, the event was not
 * stored and the caller may publish it again.
 */
public class StoreUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what failed
	 * @param cause the underlying failure
	 */
	public StoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
