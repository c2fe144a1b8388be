package dev.ssereplay.event;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The wire rules of {@link SseFormat} over random events: every block is the
 * rules applied to its fields, and is one block of well-formed UTF-8 whatever
 * the text; a name or an id that would break the framing is rejected, never
 * written. {@code EventStreamParserPropertyTests} in the client reads these
 * blocks back.
 */
class SseFormatPropertyTests {

	private static final int CASES = 3000;

	private static final String[] BAD = { "\r", "\n", "\0", "\r\n" };

	@Test
	void everyFrameIsTheWireRulesAppliedToItsEvent() {
		RandomCases.check(CASES, (random) -> {
			EventId id = RandomIds.id(random);
			SseEvent event = event(random);
			byte[] frame = SseFormat.frame(id, SseFormat.body(event));
			String expected = "id: " + id + "\n" + body(event) + "\n";
			assertThat(text(frame)).isEqualTo(expected);
			assertThat(frame).isEqualTo(utf8(expected));
			assertOneBlock(frame);
			assertThat(SseFormat.event(id.toString(), event)).isEqualTo(frame);
			assertThat(text(SseFormat.event(null, event))).isEqualTo(body(event) + "\n");
			StoredEvent stored = new StoredEvent("s", id, event.name(), frame, 0);
			assertThat(stored.size()).isEqualTo(frame.length);
			assertThat(stored.sequence()).isEqualTo(id.sequence());
			assertThat(stored.dispatchName()).isEqualTo((event.name() != null) ? event.name() : "message");
		});
	}

	@Test
	void anyIdTextIsWrittenAsItIs() {
		RandomCases.check(CASES, (random) -> {
			String id = RandomText.line(random);
			SseEvent event = event(random);
			byte[] block = SseFormat.event(id, event);
			assertThat(text(block)).isEqualTo("id: " + id + "\n" + body(event) + "\n");
			assertOneBlock(block);
		});
	}

	@Test
	void primingBlocksCarryOnlyTheRetryAndTheId() {
		RandomCases.check(CASES, (random) -> {
			String id = switch (random.nextInt(3)) {
				case 0 -> null;
				case 1 -> RandomIds.id(random).toString();
				default -> RandomText.line(random);
			};
			Duration retry = random.nextBoolean() ? null : retry(random);
			byte[] block = SseFormat.priming(id, retry);
			String lines = ((retry != null) ? "retry: " + retry.toMillis() + "\n" : "")
					+ ((id != null) ? "id: " + id + "\n" : "");
			assertThat(text(block)).isEqualTo(lines.isEmpty() ? "" : lines + "\n");
			if (block.length > 0) {
				assertOneBlock(block);
			}
			Duration negative = Duration.ofNanos(-random.nextLong(1, Long.MAX_VALUE));
			assertThatIllegalArgumentException().isThrownBy(() -> SseFormat.priming(id, negative))
				.withMessageContaining("must not be negative");
		});
	}

	@Test
	void commentsAreCommentLinesOnly() {
		RandomCases.check(CASES, (random) -> {
			String comment = RandomText.multiline(random);
			byte[] block = SseFormat.comment(comment);
			assertThat(text(block)).isEqualTo(lines(": ", comment) + "\n");
			assertOneBlock(block);
		});
	}

	@Test
	void anEventNameWithCrLfOrNulIsRejectedAtTheFirstOne() {
		RandomCases.check(CASES, (random) -> {
			String name = corrupt(random, RandomText.line(random));
			String data = RandomText.multiline(random);
			assertRejected(() -> new SseEvent(name, data), "event", name);
			assertRejected(() -> SseEvent.of(name, data), "event", name);
		});
	}

	@Test
	void anIdWithCrLfOrNulIsRejectedWhereverAnIdIsWritten() {
		RandomCases.check(CASES, (random) -> {
			String id = corrupt(random, RandomText.line(random));
			SseEvent event = event(random);
			Duration retry = random.nextBoolean() ? null : retry(random);
			assertRejected(() -> SseFormat.event(id, event), "id", id);
			assertRejected(() -> SseFormat.priming(id, retry), "id", id);
			assertRejected(() -> SseFormat.checkField("id", id), "id", id);
		});
	}

	@Test
	void aLoneSurrogateIsNotWrittenAsAQuestionMark() {
		// Either fix keeps the stream honest: reject like a line break in a name, or
		// write U+FFFD, which is what a client's UTF-8 decoder makes of such text.
		assertRejectedOrReplaced(() -> SseFormat.body(SseEvent.of("a\uD800b")), "data: a\uFFFDb\n");
		assertRejectedOrReplaced(() -> SseFormat.body(SseEvent.of("a\uDC00b")), "data: a\uFFFDb\n");
		assertRejectedOrReplaced(() -> SseFormat.body(SseEvent.of("n\uD800", "x")), "event: n\uFFFD\ndata: x\n");
		assertRejectedOrReplaced(() -> SseFormat.event("1\uDC00", SseEvent.of("x")), "id: 1\uFFFD\ndata: x\n\n");
	}

	private static void assertRejectedOrReplaced(Supplier<byte[]> format, String replaced) {
		byte[] written;
		try {
			written = format.get();
		}
		catch (InvalidEventException rejected) {
			return;
		}
		assertThat(text(written)).isEqualTo(replaced);
	}

	private static SseEvent event(SplittableRandom random) {
		String name = switch (random.nextInt(8)) {
			case 0, 1 -> null;
			case 2 -> "";
			default -> RandomText.line(random);
		};
		return new SseEvent(name, RandomText.multiline(random));
	}

	private static Duration retry(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 -> Duration.ofMillis(random.nextLong(0, 86_400_000));
			case 1 -> Duration.ofNanos(random.nextLong(0, 10_000_000_000L));
			default -> Duration.ofSeconds(random.nextLong(0, 100_000_000_000L), random.nextInt(1_000_000_000));
		};
	}

	/**
	 * The {@code event:} and {@code data:} lines of an event as the WHATWG rules
	 * read them, without the formatter's code: CRLF, CR and LF each end a line.
	 */
	private static String body(SseEvent event) {
		String name = (event.name() != null) ? "event: " + event.name() + "\n" : "";
		return name + lines("data: ", event.data());
	}

	private static String lines(String prefix, String value) {
		StringBuilder lines = new StringBuilder();
		for (String line : value.split("\r\n|\r|\n", -1)) {
			lines.append(prefix).append(line).append('\n');
		}
		return lines.toString();
	}

	/**
	 * Puts one to three of CR, LF, NUL or CRLF anywhere in the text.
	 */
	private static String corrupt(SplittableRandom random, String text) {
		StringBuilder corrupted = new StringBuilder(text);
		int count = random.nextInt(1, 4);
		for (int i = 0; i < count; i++) {
			corrupted.insert(random.nextInt(corrupted.length() + 1), BAD[random.nextInt(BAD.length)]);
		}
		return corrupted.toString();
	}

	private static void assertRejected(ThrowingCallable format, String field, String value) {
		int at = 0;
		while ("\r\n\0".indexOf(value.charAt(at)) < 0) {
			at++;
		}
		String what = switch (value.charAt(at)) {
			case '\r' -> "CR";
			case '\n' -> "LF";
			default -> "NUL";
		};
		assertThatExceptionOfType(InvalidEventException.class).as("%s %s", field, RandomText.escape(value))
			.isThrownBy(format)
			.withMessage("The %s field must not contain %s (at index %d): it would break the event-stream framing",
					field, what, at);
	}

	/**
	 * A block is well-formed UTF-8 without a byte order mark, has no CR, and is
	 * lines of known fields ended by the one blank line that ends the block; only
	 * data and comment lines may carry NUL.
	 */
	private static void assertOneBlock(byte[] block) {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(block)).toString();
		}
		catch (CharacterCodingException ex) {
			throw new AssertionError("Not well-formed UTF-8", ex);
		}
		assertThat(text).endsWith("\n\n").doesNotContain("\r");
		assertThat(text.indexOf("\n\n")).as("the blank line that ends the block").isEqualTo(text.length() - 2);
		for (String line : text.substring(0, text.length() - 2).split("\n", -1)) {
			if (line.startsWith("id: ") || line.startsWith("event: ")) {
				assertThat(line).doesNotContain("\0");
			}
			else {
				assertThat(line).matches("(?s)(data: |retry: [0-9]+$|: ).*");
			}
		}
	}

	private static byte[] utf8(String text) {
		try {
			ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
			byte[] array = new byte[bytes.remaining()];
			bytes.get(array);
			return array;
		}
		catch (CharacterCodingException ex) {
			throw new IllegalStateException("Not valid Unicode: " + RandomText.escape(text), ex);
		}
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
