package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One event-stream connection of the load client and what it has received. Its
 * parser reads the HTTP response head, HTTP/1.1 chunked framing and the
 * {@code text/event-stream} format byte by byte without allocating; lines end
 * with LF or CRLF (every server here uses LF).
 * <p>
 * The data of a benchmark event starts with its sequence number and the
 * publisher's timestamp: {@code "<seq> <nanos> <padding>"}. Events with empty data
 * are counted as heartbeats, like comment lines. An event named {@code complete}
 * is a stream's final event; a {@code 204 No Content} answer ends the connection
 * as a stream that has nothing left, not as a failure.
 * <p>
 * When it tracks sequences it also checks that event ids are dense: each id's
 * sequence (the digits after its last {@code -}, or the whole id) is the one after
 * the previous id's, counting from 0 or from the position a priming block
 * announces.
 * <p>
 * Confined to its worker's selector thread, except the few fields the
 * scenarios read while it runs ({@link #acknowledged}, {@link #alive}), which
 * are published with opaque or volatile access.
 */
final class SseConnection {

	private static final VarHandle ACKNOWLEDGED;

	static {
		try {
			ACKNOWLEDGED = MethodHandles.lookup().findVarHandle(SseConnection.class, "acknowledgedSequence",
					long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final int HEAD = 0;

	private static final int CHUNK_SIZE = 1;

	private static final int CHUNK_DATA = 2;

	private static final int CHUNK_END = 3;

	private static final int RAW = 4;

	private static final int DONE = 5;

	private static final byte[] RESYNC = "resync".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] COMPLETE = "complete".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] COMPLETED = "{\"reason\":\"completed\"}".getBytes(StandardCharsets.US_ASCII);

	final int index;

	final boolean slow;

	private final LoadClient client;

	private final String path;

	Worker worker;

	/** The instance of the server this connection connects to, by its index. */
	int instance;

	boolean owned;

	SocketChannel channel;

	SelectionKey key;

	ByteBuffer request;

	// HTTP response state.
	private int state;

	private int status;

	private boolean chunked;

	private long chunkRemaining;

	private boolean chunkExtension;

	private boolean headLine;

	// Event-stream state.
	private byte[] line = new byte[256];

	private int lineLength;

	private boolean hasData;

	private boolean dataEmpty;

	private boolean resyncEvent;

	private boolean completeEvent;

	private boolean completedData;

	private long dataSequence;

	private long dataNanos;

	private final byte[] idBuffer = new byte[64];

	private int idLength;

	private byte[] lastEventId;

	// Counts.
	long received;

	long duplicates;

	long gaps;

	long heartbeats;

	long resyncs;

	long maxSequence = -1;

	long caughtUpAt;

	long catchUpTarget = Long.MAX_VALUE;

	/** Final events received. */
	long completes;

	/** Final events whose reason was not {@code completed} (failed, cancelled, deleted). */
	long abnormalEnds;

	/** When the (first) final event arrived, in the publisher's time base. */
	long completedAt;

	/** Events received after a final event: there should be none. */
	long afterComplete;

	/** The sequence number after which this connection drops and reconnects once, or -1. */
	long dropAfter = -1;

	/** Set when {@link #dropAfter} was reached; the worker drops the connection. */
	boolean dropNow;

	/** Times this connection was dropped on purpose and opened again. */
	long drops;

	/** How long it stays away when it drops, in nanoseconds. */
	long awayNanos;

	/** When it comes back after a drop, from {@code System.nanoTime()}; the worker's to read. */
	long returnAt;

	/**
	 * When it last reconnected after a drop, in the publisher's time base: events
	 * published before it were published while it was away.
	 */
	long resumedAt;

	/**
	 * Events received that were published while it was away: replayed by the
	 * server, and timed by how long it was away rather than by the server, so they
	 * are left out of the latencies.
	 */
	long replayed;

	/** Events whose id did not follow the previous id (when tracking). */
	long idBreaks;

	private long idSequence;

	private long[] seen;

	private long seenCount;

	private long seenDuplicates;

	private long seenFirst = -1;

	@SuppressWarnings("unused") // accessed through ACKNOWLEDGED
	private long acknowledgedSequence;

	volatile boolean alive;

	volatile boolean streaming;

	volatile boolean ended;

	volatile boolean failed;

	/** Whether the last response was {@code 204 No Content}. */
	volatile boolean noContent;

	SseConnection(LoadClient client, int index, String path, boolean slow) {
		this.client = client;
		this.index = index;
		this.path = path;
		this.slow = slow;
	}

	/**
	 * Starts recording exactly which sequence numbers arrive, for the reconnect
	 * scenario; must be called before the first event.
	 */
	void trackSequences() {
		this.seen = new long[64];
	}

	/** Builds the request, with the last event id when resuming. */
	ByteBuffer request(String host) {
		StringBuilder text = new StringBuilder(160);
		text.append("GET ").append(this.path).append(" HTTP/1.1\r\nHost: ").append(host)
			.append("\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
		if (this.lastEventId != null) {
			text.append("Last-Event-ID: ").append(new String(this.lastEventId, StandardCharsets.US_ASCII))
				.append("\r\n");
		}
		text.append("\r\n");
		return ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
	}

	/** Forgets the HTTP state of the previous response before a reconnect. */
	void resetResponse() {
		this.state = HEAD;
		this.status = 0;
		this.chunked = false;
		this.chunkRemaining = 0;
		this.chunkExtension = false;
		this.headLine = false;
		this.lineLength = 0;
		this.hasData = false;
		this.resyncEvent = false;
		this.completeEvent = false;
		this.streaming = false;
		this.ended = false;
		this.failed = false;
		this.noContent = false;
	}

	/** The sequence number this connection has received up to. */
	long acknowledged() {
		return (long) ACKNOWLEDGED.getOpaque(this);
	}

	void publishProgress() {
		ACKNOWLEDGED.setOpaque(this, this.maxSequence);
	}

	long missingIn(long from, long to) {
		if (this.seen == null || from > to) {
			return 0;
		}
		long missing = 0;
		for (long sequence = from; sequence <= to; sequence++) {
			if (!isSeen(sequence)) {
				missing++;
			}
		}
		return missing;
	}

	long trackedDuplicates() {
		return this.seenDuplicates;
	}

	long firstTracked() {
		return this.seenFirst;
	}

	/**
	 * Parses bytes read from the socket.
	 * @param bytes the buffer
	 * @param from the first byte
	 * @param to one past the last byte
	 * @param now when they were read, in the publisher's time base
	 * @return {@code false} when the response ended or failed
	 */
	boolean onBytes(byte[] bytes, int from, int to, long now) throws IOException {
		int i = from;
		while (i < to) {
			switch (this.state) {
				case HEAD -> {
					byte b = bytes[i++];
					if (b == '\n') {
						if (!headLine()) {
							return false;
						}
					}
					else if (b != '\r') {
						append(b);
					}
				}
				case CHUNK_SIZE -> {
					byte b = bytes[i++];
					if (b == '\n') {
						if (this.chunkRemaining == 0) {
							this.state = DONE;
							return false;
						}
						this.state = CHUNK_DATA;
					}
					else if (b == ';') {
						this.chunkExtension = true;
					}
					else if (!this.chunkExtension && b != '\r') {
						this.chunkRemaining = this.chunkRemaining * 16 + Character.digit(b, 16);
					}
				}
				case CHUNK_DATA -> {
					int n = (int) Math.min(to - i, this.chunkRemaining);
					events(bytes, i, i + n, now);
					i += n;
					this.chunkRemaining -= n;
					if (this.chunkRemaining == 0) {
						this.state = CHUNK_END;
					}
				}
				case CHUNK_END -> {
					if (bytes[i++] == '\n') {
						this.state = CHUNK_SIZE;
						this.chunkExtension = false;
					}
				}
				case RAW -> {
					events(bytes, i, to, now);
					i = to;
				}
				default -> {
					return false;
				}
			}
		}
		return true;
	}

	private boolean headLine() throws IOException {
		int length = this.lineLength;
		this.lineLength = 0;
		if (!this.headLine) {
			this.headLine = true;
			if (length < 12) {
				throw new IOException("Malformed status line");
			}
			this.status = (this.line[9] - '0') * 100 + (this.line[10] - '0') * 10 + (this.line[11] - '0');
			return true;
		}
		if (length == 0) {
			if (this.status == 204) {
				// A stream with nothing left: the answer that stops a browser.
				this.noContent = true;
				this.state = DONE;
				return false;
			}
			if (this.status != 200) {
				throw new IOException("Status " + this.status);
			}
			this.state = this.chunked ? CHUNK_SIZE : RAW;
			this.streaming = true;
			this.alive = true;
			this.client.streamingStarted(this);
			return true;
		}
		String header = new String(this.line, 0, length, StandardCharsets.US_ASCII).toLowerCase();
		if (header.startsWith("transfer-encoding:") && header.contains("chunked")) {
			this.chunked = true;
		}
		return true;
	}

	private void append(byte b) {
		if (this.lineLength == this.line.length) {
			this.line = Arrays.copyOf(this.line, this.line.length * 2);
		}
		this.line[this.lineLength++] = b;
	}

	private void events(byte[] bytes, int from, int to, long now) {
		int start = from;
		for (int i = from; i < to; i++) {
			if (bytes[i] == '\n') {
				if (this.lineLength > 0) {
					appendRange(bytes, start, i);
					eventLine(this.line, 0, this.lineLength, now);
					this.lineLength = 0;
				}
				else {
					eventLine(bytes, start, i, now);
				}
				start = i + 1;
			}
		}
		if (start < to) {
			appendRange(bytes, start, to);
		}
	}

	private void appendRange(byte[] bytes, int from, int to) {
		int length = to - from;
		if (this.lineLength + length > this.line.length) {
			this.line = Arrays.copyOf(this.line, Math.max(this.line.length * 2, this.lineLength + length));
		}
		System.arraycopy(bytes, from, this.line, this.lineLength, length);
		this.lineLength += length;
	}

	private void eventLine(byte[] bytes, int from, int to, long now) {
		if (to > from && bytes[to - 1] == '\r') {
			to--;
		}
		if (to == from) {
			dispatch(now);
			return;
		}
		if (bytes[from] == ':') {
			this.heartbeats++;
			return;
		}
		int colon = from;
		while (colon < to && bytes[colon] != ':') {
			colon++;
		}
		int value = colon + 1;
		if (value < to && bytes[value] == ' ') {
			value++;
		}
		value = Math.min(value, to);
		int nameLength = colon - from;
		if (nameLength == 4 && bytes[from] == 'd' && bytes[from + 1] == 'a' && bytes[from + 2] == 't'
				&& bytes[from + 3] == 'a') {
			if (!this.hasData) {
				this.hasData = true;
				this.completedData = Arrays.equals(bytes, value, to, COMPLETED, 0, COMPLETED.length);
				data(bytes, value, to);
			}
		}
		else if (nameLength == 2 && bytes[from] == 'i' && bytes[from + 1] == 'd') {
			int length = Math.min(to - value, this.idBuffer.length);
			System.arraycopy(bytes, value, this.idBuffer, 0, length);
			this.idLength = length;
		}
		else if (nameLength == 5 && bytes[from] == 'e' && bytes[from + 1] == 'v') {
			this.resyncEvent = Arrays.equals(bytes, value, to, RESYNC, 0, RESYNC.length);
			this.completeEvent = Arrays.equals(bytes, value, to, COMPLETE, 0, COMPLETE.length);
		}
	}

	private void data(byte[] bytes, int from, int to) {
		this.dataEmpty = (from == to);
		this.dataSequence = -1;
		long sequence = 0;
		int i = from;
		while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
			sequence = sequence * 10 + (bytes[i++] - '0');
		}
		if (i == from || i >= to || bytes[i] != ' ') {
			return;
		}
		long nanos = 0;
		int digits = ++i;
		while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
			nanos = nanos * 10 + (bytes[i++] - '0');
		}
		if (i > digits) {
			this.dataSequence = sequence;
			this.dataNanos = nanos;
		}
	}

	private void dispatch(long now) {
		if (this.idLength > 0 || this.lastEventId != null) {
			if (this.lastEventId == null || this.lastEventId.length != this.idLength) {
				this.lastEventId = new byte[this.idLength];
			}
			System.arraycopy(this.idBuffer, 0, this.lastEventId, 0, this.idLength);
		}
		if (this.seen != null && this.idLength > 0) {
			checkId();
		}
		if (this.hasData) {
			if (this.resyncEvent) {
				this.resyncs++;
			}
			else if (this.completeEvent) {
				if (this.completes++ == 0) {
					this.completedAt = now;
				}
				if (!this.completedData) {
					this.abnormalEnds++;
				}
			}
			else if (this.dataEmpty) {
				this.heartbeats++;
			}
			else if (this.dataSequence >= 0) {
				if (this.completes > 0) {
					this.afterComplete++;
				}
				event(this.dataSequence, this.dataNanos, now);
			}
		}
		this.hasData = false;
		this.resyncEvent = false;
		this.completeEvent = false;
	}

	// An event must carry the id after the previous one; a block without data (a
	// priming block) only announces the position.
	private void checkId() {
		int start = this.idLength;
		while (start > 0 && this.idBuffer[start - 1] >= '0' && this.idBuffer[start - 1] <= '9') {
			start--;
		}
		long sequence = -1;
		if (start < this.idLength && (start == 0 || this.idBuffer[start - 1] == '-')) {
			sequence = 0;
			for (int i = start; i < this.idLength; i++) {
				sequence = sequence * 10 + (this.idBuffer[i] - '0');
			}
		}
		if (this.hasData && (sequence < 0 || sequence != this.idSequence + 1)) {
			this.idBreaks++;
		}
		this.idSequence = sequence;
	}

	private void event(long sequence, long sentNanos, long now) {
		this.received++;
		if (sentNanos < this.resumedAt) {
			this.replayed++;
			this.worker.delivered();
		}
		else {
			this.worker.delivered(now - sentNanos);
		}
		if (this.seen != null) {
			track(sequence);
		}
		if (sequence >= this.catchUpTarget && this.caughtUpAt == 0) {
			this.caughtUpAt = now;
		}
		if (sequence == this.dropAfter) {
			this.dropAfter = -1;
			this.dropNow = true;
		}
		if (sequence > this.maxSequence) {
			if (this.maxSequence >= 0 && sequence > this.maxSequence + 1) {
				this.gaps += sequence - this.maxSequence - 1;
			}
			this.maxSequence = sequence;
		}
		else {
			this.duplicates++;
		}
	}

	private void track(long sequence) {
		if (this.seenFirst < 0) {
			this.seenFirst = sequence;
		}
		if (sequence < this.seenFirst) {
			return;
		}
		long offset = sequence - this.seenFirst;
		int word = (int) (offset >>> 6);
		if (word >= this.seen.length) {
			this.seen = Arrays.copyOf(this.seen, Math.max(this.seen.length * 2, word + 1));
		}
		long bit = 1L << (offset & 63);
		if ((this.seen[word] & bit) != 0) {
			this.seenDuplicates++;
		}
		else {
			this.seen[word] |= bit;
			this.seenCount++;
		}
	}

	private boolean isSeen(long sequence) {
		if (sequence < this.seenFirst || this.seenFirst < 0) {
			return false;
		}
		long offset = sequence - this.seenFirst;
		int word = (int) (offset >>> 6);
		return word < this.seen.length && (this.seen[word] & (1L << (offset & 63))) != 0;
	}

}
