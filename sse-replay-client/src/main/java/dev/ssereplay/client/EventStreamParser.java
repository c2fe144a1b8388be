package dev.ssereplay.client;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser for one {@code text/event-stream} body, following the
 * "Interpreting an event stream" rules of the WHATWG HTML standard.
 *
 * <p>Bytes may be fed in chunks of any size, split anywhere: inside a UTF-8 sequence,
 * between the CR and LF of a line ending, or byte by byte. The parser is not
 * thread-safe; one connection feeds it from one thread at a time, as a
 * {@code Flow.Subscriber} is called.
 *
 * <p>What it holds is bounded by the maximum event size, in UTF-8 bytes: a field name,
 * a field value (a comment counts as one), and the data of one event, its
 * {@code data} lines joined. A line is measured while it arrives, so a line that never
 * ends is refused once it passes the maximum rather than read to its end.
 */
final class EventStreamParser {

	private static final char BOM = '\uFEFF';

	private static final String DEFAULT_EVENT_TYPE = "message";

	/**
	 * Receives what the stream says.
	 */
	interface Handler {

		/**
		 * A blank line ended a block. The last event id is passed for every block
		 * because an id-only block must move the position without dispatching; both
		 * arrive in one call so that the position and the event cannot be applied
		 * apart.
		 * @param lastEventId the stream's last event id after this block
		 * @param event the event to dispatch, or {@code null} when the block had no
		 * {@code data} line
		 */
		void onBlock(String lastEventId, SseEvent event);

		/**
		 * A valid {@code retry} field set the reconnection time.
		 * @param millis the reconnection time in milliseconds
		 */
		void onRetry(long millis);

	}

	// Where the line being read is: in its field name, just after the colon (where
	// one space is dropped), or in its value.
	private static final int NAME = 0;

	private static final int AFTER_COLON = 1;

	private static final int VALUE = 2;

	private final Handler handler;

	private final int maxEventSize;

	private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPLACE)
		.onUnmappableCharacter(CodingErrorAction.REPLACE);

	// Holds the start of a UTF-8 sequence that a chunk cut off (at most 3 bytes),
	// plus the byte that is added to try to complete it.
	private final ByteBuffer carry = ByteBuffer.allocate(4);

	private final CharBuffer chars = CharBuffer.allocate(8192);

	private final StringBuilder line = new StringBuilder();

	private final StringBuilder data = new StringBuilder();

	private int linePart = NAME;

	private long nameBytes;

	private long valueBytes;

	// The UTF-8 size of data, trailing line feed included.
	private long dataBytes;

	private String eventType = "";

	private String lastEventIdBuffer;

	private boolean atStart = true;

	// A CR ended the previous line, so an LF that comes next (maybe in the next
	// chunk) belongs to the same line ending.
	private boolean afterCarriageReturn;

	/**
	 * Creates a parser for one connection.
	 * @param lastEventId the last event id the stream starts from, as the last event
	 * id buffer survives reconnections
	 * @param maxEventSize the most UTF-8 bytes of a field name, a field value, or an
	 * event's data
	 * @param handler receives blocks and retry values
	 */
	EventStreamParser(String lastEventId, int maxEventSize, Handler handler) {
		this.lastEventIdBuffer = lastEventId;
		this.maxEventSize = maxEventSize;
		this.handler = handler;
	}

	/**
	 * Parses the next chunk of the body. Consumes all of {@code bytes}, unless it
	 * throws.
	 * @param bytes the chunk
	 * @throws ProtocolException if a field name, a field value or an event's data is
	 * longer than the maximum event size; the parser must not be fed again
	 */
	void feed(ByteBuffer bytes) throws ProtocolException {
		while (this.carry.position() > 0 && bytes.hasRemaining()) {
			this.carry.put(bytes.get());
			this.carry.flip();
			decode(this.carry);
			this.carry.compact();
		}
		if (this.carry.position() == 0) {
			decode(bytes);
			this.carry.put(bytes);
		}
	}

	/**
	 * Ends the stream. Per the standard, whatever was not ended by a blank line (an
	 * unfinished event, a partial line, a cut UTF-8 sequence) is discarded.
	 */
	void end() {
		this.carry.clear();
		startLine();
		this.data.setLength(0);
		this.dataBytes = 0;
		this.eventType = "";
	}

	private void decode(ByteBuffer in) throws ProtocolException {
		CoderResult result;
		do {
			result = this.decoder.decode(in, this.chars, false);
			this.chars.flip();
			consume(this.chars);
			this.chars.clear();
		}
		while (result.isOverflow());
	}

	private void consume(CharBuffer in) throws ProtocolException {
		if (this.atStart && in.hasRemaining()) {
			this.atStart = false;
			if (in.get(in.position()) == BOM) {
				in.get();
			}
		}
		while (in.hasRemaining()) {
			if (this.afterCarriageReturn) {
				this.afterCarriageReturn = false;
				if (in.get(in.position()) == '\n') {
					in.get();
					continue;
				}
			}
			int start = in.position();
			int end = start;
			int limit = in.limit();
			while (end < limit) {
				char c = in.get(end);
				if (c == '\n' || c == '\r') {
					break;
				}
				measure(c);
				end++;
			}
			// Checked before the piece is kept, so that neither the name nor the value
			// held grows past the maximum, however long the line goes on.
			checkLine();
			// The buffer's char sequence view counts from its position, which is start.
			this.line.append(in, 0, end - start);
			if (end == limit) {
				in.position(limit);
				return;
			}
			this.afterCarriageReturn = in.get(end) == '\r';
			in.position(end + 1);
			line(this.line);
			startLine();
		}
	}

	private void measure(char c) {
		switch (this.linePart) {
			case NAME -> {
				if (c == ':') {
					this.linePart = AFTER_COLON;
				}
				else {
					this.nameBytes += utf8Length(c);
				}
			}
			case AFTER_COLON -> {
				this.linePart = VALUE;
				if (c != ' ') {
					this.valueBytes += utf8Length(c);
				}
			}
			default -> this.valueBytes += utf8Length(c);
		}
	}

	private void checkLine() throws ProtocolException {
		if (this.nameBytes > this.maxEventSize) {
			throw tooLarge("A field name");
		}
		if (this.valueBytes > this.maxEventSize) {
			throw tooLarge("A field value");
		}
	}

	private void startLine() {
		this.line.setLength(0);
		this.linePart = NAME;
		this.nameBytes = 0;
		this.valueBytes = 0;
	}

	private ProtocolException tooLarge(String what) {
		return new ProtocolException(what + " longer than maxEventSize (" + this.maxEventSize + " bytes)");
	}

	private void line(CharSequence text) throws ProtocolException {
		if (text.length() == 0) {
			dispatch();
			return;
		}
		if (text.charAt(0) == ':') {
			return;
		}
		String field;
		String value;
		int colon = indexOf(text, ':');
		if (colon < 0) {
			field = text.toString();
			value = "";
		}
		else {
			field = text.subSequence(0, colon).toString();
			int valueStart = colon + 1;
			if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
				valueStart++;
			}
			value = text.subSequence(valueStart, text.length()).toString();
		}
		field(field, value);
	}

	private void field(String name, String value) throws ProtocolException {
		switch (name) {
			case "event" -> this.eventType = value;
			case "data" -> {
				// The data joined so far loses its trailing line feed when dispatched, and
				// gains this value after it.
				if (this.dataBytes + this.valueBytes > this.maxEventSize) {
					throw tooLarge("Event data");
				}
				this.data.append(value).append('\n');
				this.dataBytes += this.valueBytes + 1;
			}
			case "id" -> {
				if (value.indexOf('\0') < 0) {
					this.lastEventIdBuffer = value;
				}
			}
			case "retry" -> {
				long millis = parseDigits(value);
				if (millis >= 0) {
					this.handler.onRetry(millis);
				}
			}
			default -> {
				// Unknown fields are ignored, as the standard says.
			}
		}
	}

	private void dispatch() {
		String lastEventId = this.lastEventIdBuffer;
		if (this.data.length() == 0) {
			this.eventType = "";
			this.handler.onBlock(lastEventId, null);
			return;
		}
		this.data.setLength(this.data.length() - 1);
		String name = this.eventType.isEmpty() ? DEFAULT_EVENT_TYPE : this.eventType;
		SseEvent event = new SseEvent(lastEventId, name, this.data.toString());
		this.data.setLength(0);
		this.dataBytes = 0;
		this.eventType = "";
		this.handler.onBlock(lastEventId, event);
	}

	private static int utf8Length(char c) {
		if (c < 0x80) {
			return 1;
		}
		if (c < 0x800) {
			return 2;
		}
		// Each half of a surrogate pair, together the four bytes of the code point.
		return Character.isSurrogate(c) ? 2 : 3;
	}

	private static int indexOf(CharSequence text, char c) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == c) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Parses a value of ASCII digits only, saturating rather than overflowing.
	 * @return the value, or -1 when it is empty or has any other character
	 */
	private static long parseDigits(String value) {
		if (value.isEmpty()) {
			return -1;
		}
		long result = 0;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			result = (result > (Long.MAX_VALUE - 9) / 10) ? Long.MAX_VALUE : result * 10 + (c - '0');
		}
		return result;
	}

}
