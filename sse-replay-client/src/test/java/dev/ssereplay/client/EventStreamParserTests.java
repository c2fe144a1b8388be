package dev.ssereplay.client;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fixtures for every rule of the WHATWG event stream interpretation, each checked fed
 * whole, cut in two at every byte, cut in three at every pair of bytes, and byte by
 * byte: the result must never depend on how the bytes arrive.
 */
class EventStreamParserTests {

	private static final int MAX = 1024 * 1024;

	static Stream<Fixture> fixtures() {
		return Stream.of(
				fixture("one event").input("data: hello\n\n").event("", "message", "hello"),
				fixture("LF line endings").input("data: a\ndata: b\n\n").event("", "message", "a\nb"),
				fixture("CRLF line endings").input("data: a\r\ndata: b\r\n\r\n").event("", "message", "a\nb"),
				fixture("CR line endings").input("data: a\rdata: b\r\r").event("", "message", "a\nb"),
				fixture("mixed line endings").input("data: a\r\ndata: b\rdata: c\n\r\n")
					.event("", "message", "a\nb\nc"),
				fixture("CR then CRLF is a line then a blank line").input("data: a\r\r\ndata: b\n\n")
					.event("", "message", "a")
					.event("", "message", "b"),
				fixture("CRLF then LF is a line then a blank line").input("data: a\r\n\ndata: b\r\n\r\n")
					.event("", "message", "a")
					.event("", "message", "b"),
				fixture("LF then CR is two line endings").input("data: a\n\rdata: b\n\n")
					.event("", "message", "a")
					.event("", "message", "b"),
				fixture("leading BOM is stripped").input("\uFEFFdata: a\n\n").event("", "message", "a"),
				fixture("only one leading BOM is stripped").input("\uFEFF\uFEFFdata: a\n\ndata: b\n\n")
					.event("", "message", "b"),
				fixture("BOM later in the stream is kept").input("data: a\n\n\uFEFFdata: b\n\n")
					.event("", "message", "a"),
				fixture("multi-byte characters").input("data: h\u00e9llo \u20ac \uD834\uDD1E\n\n")
					.event("", "message", "h\u00e9llo \u20ac \uD834\uDD1E"),
				fixture("invalid UTF-8 becomes U+FFFD").input(bytes("data: a", 0xFF, "b\n\n"))
					.event("", "message", "a\uFFFDb"),
				fixture("truncated UTF-8 sequence becomes U+FFFD").input(bytes("data: ", 0xE2, 0x82, "x\n\n"))
					.event("", "message", "\uFFFDx"),
				fixture("comments are ignored").input(": comment\ndata: a\n:another\n\n: heartbeat\n\n")
					.event("", "message", "a"),
				fixture("field without colon has an empty value").input("data\n\ndata\ndata\n\n")
					.event("", "message", "")
					.event("", "message", "\n"),
				fixture("event without colon resets the type").input("event: x\nevent\ndata: a\n\n")
					.event("", "message", "a"),
				fixture("no space after the colon").input("data:a\n\n").event("", "message", "a"),
				fixture("only one space is removed").input("data:  a\n\n").event("", "message", " a"),
				fixture("trailing space is kept").input("data: a \n\n").event("", "message", "a "),
				fixture("tab after the colon is kept").input("data:\ta\n\n").event("", "message", "\ta"),
				fixture("empty data").input("data:\n\n").event("", "message", ""),
				fixture("colons in the value are kept").input("data: a:b: c\n\n").event("", "message", "a:b: c"),
				fixture("data lines are joined and the last LF removed").input("data: a\ndata:\ndata: c\ndata:\n\n")
					.event("", "message", "a\n\nc\n"),
				fixture("field names are case-sensitive and unknown ones ignored")
					.input("Data: x\nfoo: bar\ndata: y\nDATA: z\n\n")
					.event("", "message", "y"),
				fixture("event type").input("event: add\ndata: x\n\n").event("", "add", "x"),
				fixture("empty event type means message").input("event:\ndata: x\n\n").event("", "message", "x"),
				fixture("event type does not outlive its block").input("event: add\ndata: x\n\ndata: y\n\n")
					.event("", "add", "x")
					.event("", "message", "y"),
				fixture("event type of a block without data is discarded").input("event: add\n\ndata: y\n\n")
					.event("", "message", "y"),
				fixture("id").input("id: 1\ndata: a\n\n").event("1", "message", "a").lastEventId("1"),
				fixture("id outlives its block").input("id: 7\ndata: a\n\ndata: b\n\n")
					.event("7", "message", "a")
					.event("7", "message", "b")
					.lastEventId("7"),
				fixture("id after the data in its block").input("data: a\nid: 3\n\n")
					.event("3", "message", "a")
					.lastEventId("3"),
				fixture("id containing NUL is ignored").input("id: 1\n\nid: 2\u0000x\ndata: d\n\n")
					.event("1", "message", "d")
					.lastEventId("1"),
				fixture("empty id clears the last event id").input("id: 5\ndata: a\n\nid:\ndata: b\n\n")
					.event("5", "message", "a")
					.event("", "message", "b")
					.lastEventId(""),
				fixture("id without colon clears the last event id").input("id: 5\n\nid\n\n").lastEventId(""),
				fixture("id-only block moves the position without an event").input("id: 3\n\n").lastEventId("3"),
				fixture("priming block of an sse-replay server").input("retry: 3000\nid: k2x9f3-17\n\n")
					.retry(3000)
					.lastEventId("k2x9f3-17"),
				fixture("initial id is carried").initialId("42").input("data: a\n\n")
					.event("42", "message", "a")
					.lastEventId("42"),
				fixture("retry of digits").input("retry: 1500\n").retry(1500),
				fixture("retry of anything but digits is ignored")
					.input("retry: 15x\nretry: -1\nretry: \nretry\nretry: 1.5\nretry:  200\nretry: +3\n\n"),
				fixture("retry zero").input("retry: 0\n\n").retry(0),
				fixture("retry too large saturates").input("retry: 99999999999999999999999\n\n")
					.retry(Long.MAX_VALUE),
				fixture("retry applies before its block ends").input("retry: 10\ndata: unfinished").retry(10),
				fixture("unfinished event is discarded at end of stream").input("data: a\n\ndata: b\n")
					.event("", "message", "a"),
				fixture("unfinished block does not move the position").input("id: 1\ndata: a\n\nid: 2\ndata: b")
					.event("1", "message", "a")
					.lastEventId("1"),
				fixture("partial line is discarded at end of stream").input("data: a\r\n\r\ndata: b")
					.event("", "message", "a"),
				fixture("blank lines without fields dispatch nothing").input("\n\n\r\n\rdata: a\n\n\n")
					.event("", "message", "a"),
				fixture("empty stream").input(""),
				fixture("resync block").input("event: resync\ndata: gone\nid: e-9\n\n")
					.event("e-9", "resync", "gone")
					.lastEventId("e-9"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void fedWhole(Fixture fixture) {
		assertThat(parse(fixture, List.of(fixture.input))).isEqualTo(fixture.expected());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void fedInTwoAtEveryByte(Fixture fixture) {
		byte[] input = fixture.input;
		for (int cut = 0; cut <= input.length; cut++) {
			List<byte[]> chunks = List.of(Arrays.copyOfRange(input, 0, cut),
					Arrays.copyOfRange(input, cut, input.length));
			assertThat(parse(fixture, chunks)).as("cut at %d", cut).isEqualTo(fixture.expected());
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void fedInThreeAtEveryPairOfBytes(Fixture fixture) {
		byte[] input = fixture.input;
		for (int first = 0; first <= input.length; first++) {
			for (int second = first; second <= input.length; second++) {
				List<byte[]> chunks = List.of(Arrays.copyOfRange(input, 0, first),
						Arrays.copyOfRange(input, first, second), Arrays.copyOfRange(input, second, input.length));
				assertThat(parse(fixture, chunks)).as("cut at %d and %d", first, second)
					.isEqualTo(fixture.expected());
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void fedByteByByte(Fixture fixture) {
		List<byte[]> chunks = new ArrayList<>();
		for (byte b : fixture.input) {
			chunks.add(new byte[] { b });
		}
		assertThat(parse(fixture, chunks)).isEqualTo(fixture.expected());
	}

	@Test
	void linesLongerThanTheDecodeBufferSurviveAnyChunking() {
		StringBuilder data = new StringBuilder();
		for (int i = 0; i < 5000; i++) {
			data.append("\u20ac\uD834\uDD1Ea");
		}
		Fixture fixture = fixture("long line").input("id: big\r\ndata: " + data + "\r\n\r\n")
			.event("big", "message", data.toString())
			.lastEventId("big");
		assertThat(parse(fixture, List.of(fixture.input))).isEqualTo(fixture.expected());
		Random random = new Random(42);
		for (int round = 0; round < 20; round++) {
			List<byte[]> chunks = new ArrayList<>();
			int start = 0;
			while (start < fixture.input.length) {
				int end = Math.min(fixture.input.length, start + 1 + random.nextInt(700));
				chunks.add(Arrays.copyOfRange(fixture.input, start, end));
				start = end;
			}
			assertThat(parse(fixture, chunks)).isEqualTo(fixture.expected());
		}
	}

	@Test
	void chunksMayBeSlicesOfLargerBuffers() throws Exception {
		byte[] whole = "xxdata: a\r".getBytes(StandardCharsets.UTF_8);
		Recorder recorder = new Recorder("");
		EventStreamParser parser = new EventStreamParser("", MAX, recorder);
		parser.feed(ByteBuffer.wrap(whole, 2, whole.length - 2).slice());
		parser.feed(ByteBuffer.wrap("\n\r\n".getBytes(StandardCharsets.UTF_8)));
		assertThat(recorder.events).containsExactly(new SseEvent("", "message", "a"));
	}

	@Test
	void aValueIsRefusedOnceItPassesTheMaximumNotAtTheEndOfItsLine() throws Exception {
		EventStreamParser parser = new EventStreamParser("", 10_000, new Recorder(""));
		parser.feed(ascii("data: "));
		for (int i = 0; i < 10; i++) {
			parser.feed(ByteBuffer.wrap(repeat('x', 1000)));
		}
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parser.feed(ascii("x")))
			.withMessage("A field value longer than maxEventSize (10000 bytes)");
	}

	@Test
	void aFieldNameIsRefusedOnceItPassesTheMaximum() throws Exception {
		EventStreamParser parser = new EventStreamParser("", 10_000, new Recorder(""));
		parser.feed(ByteBuffer.wrap(repeat('x', 10_000)));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parser.feed(ascii("x")))
			.withMessage("A field name longer than maxEventSize (10000 bytes)");
	}

	@Test
	void aCommentIsRefusedOnceItPassesTheMaximum() throws Exception {
		EventStreamParser parser = new EventStreamParser("", 10_000, new Recorder(""));
		parser.feed(ascii(":"));
		parser.feed(ByteBuffer.wrap(repeat('x', 10_000)));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parser.feed(ascii("x")))
			.withMessageContaining("maxEventSize");
	}

	@Test
	void eventDataIsRefusedWhenItsLinesJoinedPassTheMaximum() throws Exception {
		Recorder recorder = new Recorder("");
		EventStreamParser parser = new EventStreamParser("", 10_000, recorder);
		String line = "data: " + "x".repeat(6000) + "\n";
		parser.feed(ascii(line));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parser.feed(ascii(line)))
			.withMessage("Event data longer than maxEventSize (10000 bytes)");
		assertThat(recorder.events).isEmpty();
	}

	@Test
	void sizesUpToTheMaximumAreAcceptedCountedInUtf8Bytes() throws Exception {
		Recorder recorder = new Recorder("");
		EventStreamParser parser = new EventStreamParser("", 10_000, recorder);
		// Values of the maximum, the field name and one space not counted.
		String euros = "\u20ac".repeat(3333);
		String value = "x".repeat(9998) + "\u00e9";
		parser.feed(ByteBuffer
			.wrap(("event: " + "e".repeat(10_000) + "\ndata: " + euros + "\n\n").getBytes(StandardCharsets.UTF_8)));
		// Data lines of 4999 and 5000 bytes are 10000 joined.
		parser.feed(ascii("data:" + "a".repeat(4999) + "\ndata:" + "b".repeat(5000) + "\n\n"));
		parser.feed(ByteBuffer.wrap(("data: " + value + "\n\n").getBytes(StandardCharsets.UTF_8)));
		assertThat(recorder.events).extracting(SseEvent::data)
			.containsExactly(euros, "a".repeat(4999) + "\n" + "b".repeat(5000), value);
		// One more three-byte character is 10002 bytes.
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parser
			.feed(ByteBuffer.wrap(("data: " + euros + "\u20ac\n").getBytes(StandardCharsets.UTF_8))));
	}

	@Test
	void surrogatePairsCountAsFourBytes() throws Exception {
		Recorder recorder = new Recorder("");
		EventStreamParser parser = new EventStreamParser("", 8, recorder);
		parser.feed(ByteBuffer.wrap("data: \uD834\uDD1E\uD834\uDD1E\n\n".getBytes(StandardCharsets.UTF_8)));
		assertThat(recorder.events).hasSize(1);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parser
			.feed(ByteBuffer.wrap("data: \uD834\uDD1E\uD834\uDD1Ex\n".getBytes(StandardCharsets.UTF_8))));
	}

	@Test
	void theLimitsStartOverWithEachLineAndEachEvent() throws Exception {
		Recorder recorder = new Recorder("");
		EventStreamParser parser = new EventStreamParser("", 100, recorder);
		for (int i = 0; i < 50; i++) {
			parser.feed(ascii(": " + "c".repeat(100) + "\nid: " + i + "\ndata: " + "d".repeat(100) + "\n\n"));
		}
		assertThat(recorder.events).hasSize(50);
		assertThat(recorder.lastEventId).isEqualTo("49");
	}

	private static ByteBuffer ascii(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] repeat(char c, int count) {
		byte[] bytes = new byte[count];
		Arrays.fill(bytes, (byte) c);
		return bytes;
	}

	private static Result parse(Fixture fixture, List<byte[]> chunks) {
		Recorder recorder = new Recorder(fixture.initialId);
		EventStreamParser parser = new EventStreamParser(fixture.initialId, MAX, recorder);
		for (byte[] chunk : chunks) {
			ByteBuffer buffer = ByteBuffer.wrap(chunk);
			try {
				parser.feed(buffer);
			}
			catch (ProtocolException ex) {
				throw new AssertionError(ex);
			}
			assertThat(buffer.hasRemaining()).isFalse();
		}
		parser.end();
		return new Result(recorder.events, recorder.lastEventId, recorder.retries);
	}

	private static Fixture fixture(String name) {
		return new Fixture(name);
	}

	private static byte[] bytes(Object... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Object part : parts) {
			if (part instanceof Integer) {
				out.write((Integer) part);
			}
			else {
				out.writeBytes(((String) part).getBytes(StandardCharsets.UTF_8));
			}
		}
		return out.toByteArray();
	}

	record Result(List<SseEvent> events, String lastEventId, List<Long> retries) {
	}

	private static final class Recorder implements EventStreamParser.Handler {

		final List<SseEvent> events = new ArrayList<>();

		final List<Long> retries = new ArrayList<>();

		String lastEventId;

		Recorder(String initialId) {
			this.lastEventId = initialId;
		}

		@Override
		public void onBlock(String lastEventId, SseEvent event) {
			this.lastEventId = lastEventId;
			if (event != null) {
				this.events.add(event);
			}
		}

		@Override
		public void onRetry(long millis) {
			this.retries.add(millis);
		}

	}

	static final class Fixture {

		private final String name;

		private byte[] input = new byte[0];

		private String initialId = "";

		private final List<SseEvent> events = new ArrayList<>();

		private final List<Long> retries = new ArrayList<>();

		private String lastEventId;

		Fixture(String name) {
			this.name = name;
		}

		Fixture input(String input) {
			return input(input.getBytes(StandardCharsets.UTF_8));
		}

		Fixture input(byte[] input) {
			this.input = input;
			return this;
		}

		Fixture initialId(String initialId) {
			this.initialId = initialId;
			return this;
		}

		Fixture event(String id, String name, String data) {
			this.events.add(new SseEvent(id, name, data));
			return this;
		}

		Fixture retry(long millis) {
			this.retries.add(millis);
			return this;
		}

		Fixture lastEventId(String lastEventId) {
			this.lastEventId = lastEventId;
			return this;
		}

		Result expected() {
			return new Result(this.events, (this.lastEventId != null) ? this.lastEventId : this.initialId,
					this.retries);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
