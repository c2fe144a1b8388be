package dev.ssereplay.client;

import java.io.IOException;
import java.util.Optional;

/**
 * The server answered with something other than an event stream: a status other
 * than 200 (and 204, which closes the client), or a 200 whose content type is not
 * {@code text/event-stream}.
 */
public final class SseResponseException extends IOException {

	private static final long serialVersionUID = 1L;

	/** The HTTP status of the answer. */
	private final int statusCode;

	/** The content type of the answer, {@code null} when it had none. */
	private final String contentType;

	/**
	 * Creates an exception for an unexpected answer.
	 * @param statusCode the HTTP status of the answer
	 * @param contentType the answer's {@code Content-Type}, or {@code null} when it
	 * had none
	 */
	public SseResponseException(int statusCode, String contentType) {
		super(message(statusCode, contentType));
		this.statusCode = statusCode;
		this.contentType = contentType;
	}

	private static String message(int statusCode, String contentType) {
		if (statusCode != 200) {
			return "Expected HTTP status 200 for an event stream but got " + statusCode;
		}
		return "Expected Content-Type text/event-stream but got "
				+ ((contentType != null) ? "'" + contentType + "'" : "none");
	}

	/**
	 * Returns the HTTP status of the answer.
	 * @return the status code
	 */
	public int statusCode() {
		return this.statusCode;
	}

	/**
	 * Returns the content type of the answer.
	 * @return the {@code Content-Type} header, empty when the answer had none
	 */
	public Optional<String> contentType() {
		return Optional.ofNullable(this.contentType);
	}

}
