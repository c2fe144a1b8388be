package dev.ssereplay.client;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser over random input. What the server's {@link SseFormat} writes (stored
 * frames, events with any id, priming blocks, comments) reads back exactly, in
 * order, however the bytes are cut; and any bytes at all parse without an
 * exception, to the same blocks whole or in chunks, as a plain reading of the
 * WHATWG rules reads them.
 * <p>
 * The server's formatter itself is used rather than a copy of its rules: the
 * module already depends on the starter for its end-to-end tests, and a copy
 * could drift from what the server really writes.
 */
class EventStreamParserPropertyTests {

	private static final int CASES = 2000;

	private static final String[] FIELDS = { "data", "id", "event", "retry", ":", " ", "data: ", "id: ", "event: ",
			"retry: ", "message", "data:", "id:" };

	private static final String[] BREAKS = { "\n", "\r", "\r\n", "\n\n", "\r\n\r\n" };

	private static final int[][] INVALID_UTF8 = { { 0x80 }, { 0xBF }, { 0xC0, 0x80 }, { 0xC1, 0xBF }, { 0xE0, 0x80, 0x80 },
			{ 0xED, 0xA0, 0x80 }, { 0xED, 0xBF, 0xBF }, { 0xF0, 0x80, 0x80, 0x80 }, { 0xF4, 0x90, 0x80, 0x80 },
			{ 0xF5 }, { 0xF8, 0x88, 0x80, 0x80, 0x80 }, { 0xFE }, { 0xFF } };

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	private static final Pattern LINE = Pattern.compile("([^\r\n]*)(\r\n|\r|\n)");

	@Test
	void whatTheServerWritesIsReadBackExactlyHoweverTheBytesAreCut() {
		RandomCases.check(CASES, (random) -> {
			ServerStream stream = serverStream(random);
			byte[] bytes = stream.bytes.toByteArray();
			assertSameBlocks(parse(stream.initialId, chunks(random, bytes)), stream.expected);
			assertSameBlocks(readByTheRules(stream.initialId, bytes), stream.expected);
		});
	}

	@Test
	void anyBytesParseAlikeWholeInChunksAndByTheRules() {
		RandomCases.check(CASES, (random) -> {
			byte[] input = anyBytes(random);
			String initialId = random.nextBoolean() ? "" : RandomText.line(random);
			List<Seen> whole = parse(initialId, List.of(ByteBuffer.wrap(input)));
			assertSameBlocks(parse(initialId, chunks(random, input)), whole);
			assertSameBlocks(whole, readByTheRules(initialId, input));
		});
	}

	/**
	 * A stream as an sse-replay server writes it, and what a client must see of it:
	 * every block ends in one {@link Block}, with the event when it had data, and
	 * a {@code retry} field is seen before the block that carries it ends.
	 */
	private static ServerStream serverStream(SplittableRandom random) {
		ServerStream stream = new ServerStream(random.nextBoolean() ? "" : eventId(random).toString());
		int blocks = (random.nextInt(4) == 0) ? random.nextInt(1, 25) : random.nextInt(1, 6);
		for (int i = 0; i < blocks; i++) {
			switch (random.nextInt(10)) {
				case 0, 1, 2, 3 -> {
					EventId id = eventId(random);
					dev.ssereplay.event.SseEvent event = event(random);
					byte[] frame = SseFormat.frame(id, SseFormat.body(event));
					StoredEvent stored = new StoredEvent("s", id, event.name(), frame, 0);
					stream.block(stored.frame(), stored.id().toString(), stored.dispatchName(), event.data());
				}
				case 4, 5 -> {
					String id = switch (random.nextInt(4)) {
						case 0 -> null;
						case 1 -> eventId(random).toString();
						default -> RandomText.line(random);
					};
					dev.ssereplay.event.SseEvent event = event(random);
					String name = (event.name() != null) ? event.name() : "message";
					stream.block(SseFormat.event(id, event), id, name, event.data());
				}
				case 6, 7 -> {
					String id = switch (random.nextInt(3)) {
						case 0 -> null;
						case 1 -> eventId(random).toString();
						default -> RandomText.line(random);
					};
					Duration retry = random.nextBoolean() ? null : Duration.ofNanos(random.nextLong(0, 90_000_000_000_000L));
					byte[] priming = SseFormat.priming(id, retry);
					if (retry != null) {
						stream.retry(retry);
					}
					if (priming.length > 0) {
						stream.block(priming, id, null, null);
					}
				}
				default -> {
					String comment = random.nextBoolean() ? "heartbeat" : RandomText.any(random);
					stream.block(SseFormat.comment(comment), null, null, null);
				}
			}
		}
		return stream;
	}

	private static EventId eventId(SplittableRandom random) {
		// As EventId.newEpoch() draws them, but from the seeded generator, or small.
		long bound = random.nextBoolean() ? Long.MAX_VALUE : 1L << random.nextInt(1, 63);
		long epoch = random.nextLong(1, bound);
		return new EventId(epoch, random.nextLong(0, (1_000_000_000_000_000_000L >> random.nextInt(60)) | 1));
	}

	private static dev.ssereplay.event.SseEvent event(SplittableRandom random) {
		String name = switch (random.nextInt(8)) {
			case 0, 1 -> null;
			case 2 -> "";
			default -> RandomText.line(random);
		};
		return new dev.ssereplay.event.SseEvent(name, RandomText.multiline(random));
	}

	/**
	 * Random bytes weighted towards what the parser must get right: field names,
	 * colons, spaces and line breaks of every kind, digits for {@code retry},
	 * UTF-8 sequences whole, cut short and invalid, NUL and byte order marks.
	 */
	private static byte[] anyBytes(SplittableRandom random) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		if (random.nextInt(8) == 0) {
			bytes.writeBytes(BOM);
		}
		int pieces = RandomText.length(random);
		for (int i = 0; i < pieces; i++) {
			switch (random.nextInt(12)) {
				case 0 -> bytes.write(random.nextInt(256));
				case 1, 2 -> bytes.writeBytes(ascii(FIELDS[random.nextInt(FIELDS.length)]));
				case 3, 4 -> bytes.writeBytes(ascii(BREAKS[random.nextInt(BREAKS.length)]));
				case 5 -> bytes.writeBytes(ascii(digits(random)));
				case 6 -> bytes.writeBytes(Character.toString(multiByteCodePoint(random)).getBytes(StandardCharsets.UTF_8));
				case 7 -> {
					byte[] character = Character.toString(multiByteCodePoint(random)).getBytes(StandardCharsets.UTF_8);
					bytes.write(character, 0, random.nextInt(1, character.length));
				}
				case 8 -> {
					for (int b : INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]) {
						bytes.write(b);
					}
				}
				case 9 -> bytes.write(0);
				case 10 -> bytes.writeBytes(BOM);
				default -> bytes.write(random.nextInt(0x20, 0x7F));
			}
		}
		return bytes.toByteArray();
	}

	private static int multiByteCodePoint(SplittableRandom random) {
		int codePoint = random.nextInt(0x80, 0x110000 - 0x800);
		return (codePoint >= 0xD800) ? codePoint + 0x800 : codePoint;
	}

	private static String digits(SplittableRandom random) {
		StringBuilder digits = new StringBuilder();
		int length = random.nextInt(1, 26);
		for (int i = 0; i < length; i++) {
			digits.append((char) ('0' + random.nextInt(10)));
		}
		return digits.toString();
	}

	/**
	 * Cuts the input the way a network might: whole, byte by byte, in small,
	 * medium or large pieces, or inside every UTF-8 sequence and after every CR it
	 * can; with an empty chunk now and then, in heap, offset, read-only and direct
	 * buffers.
	 */
	private static List<ByteBuffer> chunks(SplittableRandom random, byte[] input) {
		List<ByteBuffer> chunks = new ArrayList<>();
		int strategy = random.nextInt(6);
		int start = 0;
		while (start < input.length) {
			int end = switch (strategy) {
				case 0 -> input.length;
				case 1 -> start + 1;
				case 2 -> start + random.nextInt(1, 5);
				case 3 -> start + random.nextInt(1, 65);
				case 4 -> start + random.nextInt(1, 1025);
				default -> awkwardCut(random, input, start);
			};
			end = Math.min(end, input.length);
			if (random.nextInt(16) == 0) {
				chunks.add(buffer(random, input, start, start));
			}
			chunks.add(buffer(random, input, start, end));
			start = end;
		}
		return chunks;
	}

	// The next place inside a UTF-8 sequence or right after a CR, or now and then anywhere.
	private static int awkwardCut(SplittableRandom random, byte[] input, int start) {
		int end = start + 1;
		while (end < input.length && random.nextInt(32) != 0) {
			boolean inSequence = (input[end] & 0xC0) == 0x80;
			if ((inSequence || input[end - 1] == '\r') && random.nextBoolean()) {
				break;
			}
			end++;
		}
		return end;
	}

	private static ByteBuffer buffer(SplittableRandom random, byte[] input, int start, int end) {
		int length = end - start;
		switch (random.nextInt(8)) {
			case 0 -> {
				byte[] padded = new byte[length + 6];
				random.nextBytes(padded);
				System.arraycopy(input, start, padded, 3, length);
				ByteBuffer buffer = ByteBuffer.wrap(padded, 3, length);
				return random.nextBoolean() ? buffer : buffer.slice();
			}
			case 1 -> {
				return ByteBuffer.wrap(input, start, length).asReadOnlyBuffer();
			}
			case 2 -> {
				return ByteBuffer.allocateDirect(length).put(input, start, length).flip();
			}
			default -> {
				byte[] chunk = new byte[length];
				System.arraycopy(input, start, chunk, 0, length);
				return ByteBuffer.wrap(chunk);
			}
		}
	}

	private static List<Seen> parse(String initialId, List<ByteBuffer> chunks) {
		Recorder recorder = new Recorder();
		// No size limit here: these properties are about the reading, not the bound.
		EventStreamParser parser = new EventStreamParser(initialId, Integer.MAX_VALUE, recorder);
		try {
			for (ByteBuffer chunk : chunks) {
				parser.feed(chunk);
				assertThat(chunk.hasRemaining()).as("the parser consumed the whole chunk").isFalse();
			}
		}
		catch (ProtocolException ex) {
			throw new AssertionError("No limit applies, yet the parser refused the input", ex);
		}
		parser.end();
		return recorder.seen;
	}

	/**
	 * A plain reading of the WHATWG "interpreting an event stream" rules over a
	 * whole input, written for clarity and not for speed: decode it, drop one
	 * leading byte order mark, cut it into lines at CRLF, CR or LF, drop what no
	 * line break ends, and apply each line.
	 */
	private static List<Seen> readByTheRules(String initialId, byte[] input) {
		String text = decode(input);
		if (text.startsWith("\uFEFF")) {
			text = text.substring(1);
		}
		List<Seen> seen = new ArrayList<>();
		String lastEventId = initialId;
		String type = "";
		StringBuilder data = new StringBuilder();
		Matcher lines = LINE.matcher(text);
		while (lines.find()) {
			String line = lines.group(1);
			if (line.isEmpty()) {
				if (data.length() == 0) {
					seen.add(new Block(lastEventId, null));
				}
				else {
					String name = type.isEmpty() ? "message" : type;
					String value = data.substring(0, data.length() - 1);
					seen.add(new Block(lastEventId, new SseEvent(lastEventId, name, value)));
				}
				type = "";
				data.setLength(0);
				continue;
			}
			if (line.startsWith(":")) {
				continue;
			}
			int colon = line.indexOf(':');
			String field = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (field) {
				case "event" -> type = value;
				case "data" -> data.append(value).append('\n');
				case "id" -> lastEventId = value.contains("\0") ? lastEventId : value;
				case "retry" -> {
					if (value.matches("[0-9]+")) {
						BigInteger millis = new BigInteger(value).min(BigInteger.valueOf(Long.MAX_VALUE));
						seen.add(new Retry(millis.longValueExact()));
					}
				}
				default -> {
				}
			}
		}
		return seen;
	}

	private static String decode(byte[] input) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPLACE)
				.onUnmappableCharacter(CodingErrorAction.REPLACE)
				.decode(ByteBuffer.wrap(input))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// One block at a time, so that a failure shows the first difference and not two long lists.
	private static void assertSameBlocks(List<Seen> actual, List<Seen> expected) {
		for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
			assertThat(actual.get(i)).as("block or retry %d of %d", i, expected.size()).isEqualTo(expected.get(i));
		}
		assertThat(actual).hasSameSizeAs(expected);
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * What the parser tells its handler.
	 */
	sealed interface Seen permits Block, Retry {

	}

	record Block(String lastEventId, SseEvent event) implements Seen {

	}

	record Retry(long millis) implements Seen {

	}

	private static final class Recorder implements EventStreamParser.Handler {

		final List<Seen> seen = new ArrayList<>();

		@Override
		public void onBlock(String lastEventId, SseEvent event) {
			this.seen.add(new Block(lastEventId, event));
		}

		@Override
		public void onRetry(long millis) {
			this.seen.add(new Retry(millis));
		}

	}

	/**
	 * The bytes of a stream and the blocks a client must see of it.
	 */
	private static final class ServerStream {

		final String initialId;

		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		final List<Seen> expected = new ArrayList<>();

		private String lastEventId;

		ServerStream(String initialId) {
			this.initialId = initialId;
			this.lastEventId = initialId;
		}

		/**
		 * Adds a block.
		 * @param block the bytes
		 * @param id the id it carries, or {@code null}
		 * @param name the event name a client dispatches, or {@code null} for a
		 * block without data
		 * @param data the data as published, with line breaks of any kind
		 */
		void block(byte[] block, String id, String name, String data) {
			this.bytes.writeBytes(block);
			if (id != null) {
				this.lastEventId = id;
			}
			SseEvent event = (name != null) ? new SseEvent(this.lastEventId, name, lines(data)) : null;
			this.expected.add(new Block(this.lastEventId, event));
		}

		/**
		 * Adds the retry field of the next block, which a client sees as soon as it
		 * reads the line.
		 * @param retry the reconnection delay
		 */
		void retry(Duration retry) {
			this.expected.add(new Retry(retry.toMillis()));
		}

		// A client joins data lines with LF, whichever line break the server split them at.
		private static String lines(String data) {
			return data.replace("\r\n", "\n").replace('\r', '\n');
		}

	}

}
