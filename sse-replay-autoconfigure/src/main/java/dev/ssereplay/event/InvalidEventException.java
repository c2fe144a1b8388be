package dev.ssereplay.event;

/**
 * Thrown when an event cannot be written as it is, such as a name or id that
 * contains a line break.
 */
public class InvalidEventException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what is wrong and why
	 */
	public InvalidEventException(String message) {
		super(message);
	}

}
