package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

/**
 * Turns what Redis holds back into {@link StoredEvent}s without formatting
 * anything again: the frame is kept as stored, and its id and event name are
 * read from its first lines, which the append script wrote as
 * {@code id: <id>\n} and, for a named event, {@code event: <name>\n}.
 */
final class RedisFrames {

	private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);

	private RedisFrames() {
	}

	/**
	 * Reads an event of a stream's history.
	 */
	static StoredEvent event(String stream, byte[] frame, long timestamp, boolean ends) {
		if (!startsWith(frame, 0, ID)) {
			throw malformed(stream, frame);
		}
		int idEnd = indexOf(frame, ID.length, (byte) '\n');
		EventId id = (idEnd < 0) ? null
				: EventId.parse(new String(frame, ID.length, idEnd - ID.length, StandardCharsets.US_ASCII));
		if (id == null) {
			throw malformed(stream, frame);
		}
		String name = null;
		int line = idEnd + 1;
		if (startsWith(frame, line, EVENT)) {
			int nameEnd = indexOf(frame, line + EVENT.length, (byte) '\n');
			if (nameEnd < 0) {
				throw malformed(stream, frame);
			}
			name = new String(frame, line + EVENT.length, nameEnd - line - EVENT.length, StandardCharsets.UTF_8);
		}
		return new StoredEvent(stream, id, name, frame, timestamp, ends);
	}

	/**
	 * Reads the entries of a stream's history as the read script answers them,
	 * each {@code [id, [t, <millis>, f, <frame>]]}, and for a stream's final event
	 * {@code [id, [t, <millis>, f, <frame>, e, 1]]}.
	 */
	static List<StoredEvent> entries(String stream, List<?> entries) {
		List<StoredEvent> events = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			List<?> fields = (List<?>) ((List<?>) entry).get(1);
			long timestamp = Long.parseLong(new String((byte[]) fields.get(1), StandardCharsets.US_ASCII));
			events.add(event(stream, (byte[]) fields.get(3), timestamp, fields.size() > 4));
		}
		return events;
	}

	/**
	 * Reads a live message: the append time in milliseconds, {@code e} for a
	 * stream's final event, a line feed, the frame.
	 */
	static StoredEvent message(String stream, byte[] message) {
		int newline = indexOf(message, 0, (byte) '\n');
		if (newline < 1) {
			throw malformed(stream, message);
		}
		boolean ends = message[newline - 1] == 'e';
		int digits = ends ? newline - 1 : newline;
		if (digits < 1) {
			throw malformed(stream, message);
		}
		long timestamp = 0;
		for (int i = 0; i < digits; i++) {
			int digit = message[i] - '0';
			if (digit < 0 || digit > 9) {
				throw malformed(stream, message);
			}
			timestamp = timestamp * 10 + digit;
		}
		return event(stream, Arrays.copyOfRange(message, newline + 1, message.length), timestamp, ends);
	}

	private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
		if (bytes.length - at < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[at + i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static int indexOf(byte[] bytes, int from, byte value) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == value) {
				return i;
			}
		}
		return -1;
	}

	private static IllegalStateException malformed(String stream, byte[] bytes) {
		String start = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.UTF_8);
		return new IllegalStateException("Redis holds an event of stream '" + stream
				+ "' that this store did not write: it starts with '" + start.replace("\n", "\\n") + "'");
	}

}
