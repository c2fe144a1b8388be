package dev.ssereplay.event;

/**
 * Thrown when a stream name does not follow {@link StreamNames the rule}.
 */
public class InvalidStreamNameException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception for a rejected name.
	 * @param name the rejected name
	 */
	public InvalidStreamNameException(String name) {
		super("Invalid stream name " + StreamNames.quote(name) + ": a stream name is 1 to "
				+ StreamNames.MAX_LENGTH + " characters from [A-Za-z0-9._:-]");
	}

}
