package dev.ssereplay.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes the {@code text/event-stream} wire format, following the WHATWG rules:
 * {@code field: value} lines with a space after the colon (so a value that
 * begins with a space survives), data split on CRLF, CR and LF into one
 * {@code data:} line each, every block ended by a blank line, UTF-8, never a BOM.
 * <p>
 * Field values that a line break would corrupt (event name, id) must not contain
 * CR, LF or NUL; such values are rejected with an {@link InvalidEventException}.
 * Stateless and thread-safe.
 */
public final class SseFormat {

	private static final byte[] ID = bytes("id: ");

	private static final byte[] EMPTY_BODY = new byte[0];

	private SseFormat() {
	}

	/**
	 * Formats the fields of an event other than its id, once, for
	 * {@link #frame(EventId, byte[])} to complete when the id is known.
	 * @param event the event
	 * @return the {@code event:} and {@code data:} lines as UTF-8
	 */
	public static byte[] body(SseEvent event) {
		StringBuilder text = new StringBuilder(event.data().length() + 32);
		if (event.name() != null) {
			text.append("event: ").append(event.name()).append('\n');
		}
		appendLines(text, "data: ", event.data());
		return utf8(text);
	}

	/**
	 * Completes a formatted body into a whole block: the id line, the body and
	 * the blank line that ends the block.
	 * @param id the id of the event
	 * @param body the output of {@link #body(SseEvent)}
	 * @return the block as UTF-8
	 */
	public static byte[] frame(EventId id, byte[] body) {
		byte[] idText = id.toString().getBytes(StandardCharsets.US_ASCII);
		byte[] frame = new byte[ID.length + idText.length + 1 + body.length + 1];
		int at = put(frame, 0, ID);
		at = put(frame, at, idText);
		frame[at++] = '\n';
		at = put(frame, at, body);
		frame[at] = '\n';
		return frame;
	}

	/**
	 * Formats a whole event block with the given id, or without an id line when
	 * {@code id} is {@code null}.
	 * @param id the id, may be {@code null}; must not contain CR, LF or NUL
	 * @param event the event
	 * @return the block as UTF-8
	 */
	public static byte[] event(String id, SseEvent event) {
		StringBuilder text = new StringBuilder(event.data().length() + 48);
		if (id != null) {
			checkField("id", id);
			text.append("id: ").append(id).append('\n');
		}
		if (event.name() != null) {
			text.append("event: ").append(event.name()).append('\n');
		}
		appendLines(text, "data: ", event.data());
		return utf8(text.append('\n'));
	}

	/**
	 * Formats a block that carries only an id and optionally a reconnection
	 * delay: it moves a client's last event id without dispatching an event.
	 * @param id the id, may be {@code null} for a block with only {@code retry:}
	 * @param retry the reconnection delay, may be {@code null}
	 * @return the block as UTF-8
	 */
	public static byte[] priming(String id, Duration retry) {
		StringBuilder text = new StringBuilder(48);
		if (retry != null) {
			text.append("retry: ").append(retryMillis(retry)).append('\n');
		}
		if (id != null) {
			checkField("id", id);
			text.append("id: ").append(id).append('\n');
		}
		if (text.length() == 0) {
			return EMPTY_BODY;
		}
		return text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Formats a comment block, one {@code :} line per line of the text. Clients
	 * ignore comments; they keep idle connections alive.
	 * @param comment the comment, may span lines
	 * @return the block as UTF-8
	 */
	public static byte[] comment(String comment) {
		StringBuilder text = new StringBuilder(comment.length() + 4);
		appendLines(text, ": ", comment);
		return utf8(text.append('\n'));
	}

	/**
	 * Checks that a single-line field value has no CR, LF or NUL, and no lone
	 * surrogate, which UTF-8 cannot carry: a name or an id that reached the client
	 * changed would match nothing.
	 * @param field the field name, for the message
	 * @param value the value
	 * @throws InvalidEventException naming the field and the offending character
	 */
	public static void checkField(String field, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\r' || c == '\n' || c == '\0') {
				String what = (c == '\r') ? "CR" : (c == '\n') ? "LF" : "NUL";
				throw new InvalidEventException("The " + field + " field must not contain " + what
						+ " (at index " + i + "): it would break the event-stream framing");
			}
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isSurrogate(c) && loneSurrogateAt(value, i)) {
				throw new InvalidEventException("The " + field + " field must not contain a lone surrogate (at index "
						+ i + "): UTF-8 cannot carry it");
			}
			if (Character.isHighSurrogate(c)) {
				i++;
			}
		}
	}

	private static long retryMillis(Duration retry) {
		if (retry.isNegative()) {
			throw new IllegalArgumentException("The retry delay must not be negative, was " + retry);
		}
		return retry.toMillis();
	}

	private static void appendLines(StringBuilder text, String prefix, String value) {
		int start = 0;
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c == '\r' || c == '\n') {
				text.append(prefix).append(value, start, i).append('\n');
				if (c == '\r' && i + 1 < length && value.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		text.append(prefix).append(value, start, length).append('\n');
	}

	// Data may hold a lone surrogate (a token cut between the halves of a pair);
	// it is written as U+FFFD, what a client's decoder makes of it, rather than
	// the '?' that String.getBytes writes.
	private static byte[] utf8(CharSequence text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c) && loneSurrogateAt(text, i)) {
				return replaceLoneSurrogates(text).getBytes(StandardCharsets.UTF_8);
			}
			if (Character.isHighSurrogate(c)) {
				i++;
			}
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static String replaceLoneSurrogates(CharSequence text) {
		StringBuilder replaced = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c) && loneSurrogateAt(text, i)) {
				replaced.append('\uFFFD');
			}
			else if (Character.isHighSurrogate(c)) {
				replaced.append(c).append(text.charAt(++i));
			}
			else {
				replaced.append(c);
			}
		}
		return replaced.toString();
	}

	// Whether the surrogate at i has no partner: a high one without a low one
	// after it, or a low one (pairs are skipped from their high half).
	private static boolean loneSurrogateAt(CharSequence text, int i) {
		char c = text.charAt(i);
		return Character.isLowSurrogate(c) || i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
	}

	private static int put(byte[] target, int at, byte[] source) {
		System.arraycopy(source, 0, target, at, source.length);
		return at + source.length;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
