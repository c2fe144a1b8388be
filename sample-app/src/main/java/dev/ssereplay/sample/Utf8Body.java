package dev.ssereplay.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import dev.ssereplay.event.EventTooLargeException;

/**
 * Reads a request body as UTF-8 text, at most as large as the largest event
 * sse-replay accepts, since the text becomes an event's data.
 */
final class Utf8Body {

	private Utf8Body() {
	}

	/**
	 * Reads a body.
	 * @param body the request body
	 * @param maxBytes the most bytes accepted ({@code sse.replay.max-event-size})
	 * @return the text
	 * @throws EventTooLargeException when the body is longer than {@code maxBytes}
	 * @throws InvalidBodyException when the body is not valid UTF-8
	 * @throws IOException when the body cannot be read
	 */
	static String read(InputStream body, long maxBytes) throws IOException {
		// Read at most one byte past the limit, so a huge body is never buffered.
		byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
		if (bytes.length > maxBytes) {
			throw new EventTooLargeException(bytes.length + body.available(), maxBytes);
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new InvalidBodyException("The request body is not valid UTF-8");
		}
	}

	/**
	 * Thrown when a request body is not valid UTF-8; answered with 400 by
	 * {@link SampleExceptionHandler}.
	 */
	static final class InvalidBodyException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		InvalidBodyException(String message) {
			super(message);
		}

	}

}
