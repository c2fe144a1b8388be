package dev.ssereplay.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The wire format rules of {@link SseFormat}.
 */
class SseFormatTests {

	private static final EventId ID = new EventId(36 * 36, 7);

	@Test
	void frameHasIdNameDataAndABlankLine() {
		assertThat(frame(SseEvent.of("greeting", "hello"))).isEqualTo("id: 100-7\nevent: greeting\ndata: hello\n\n");
	}

	@Test
	void unnamedEventHasNoEventLine() {
		assertThat(frame(SseEvent.of("hello"))).isEqualTo("id: 100-7\ndata: hello\n\n");
	}

	@Test
	void emptyNameIsTheDefaultName() {
		assertThat(frame(SseEvent.of("", "x"))).isEqualTo("id: 100-7\ndata: x\n\n");
	}

	@Test
	void dataIsSplitOnLfCrAndCrlfIntoOneLineEach() {
		assertThat(frame(SseEvent.of("a\nb\rc\r\nd"))).isEqualTo("id: 100-7\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
	}

	@Test
	void crlfIsOneLineBreakAndLfCrIsTwo() {
		assertThat(frame(SseEvent.of("a\r\n\r\nb"))).isEqualTo("id: 100-7\ndata: a\ndata: \ndata: b\n\n");
		assertThat(frame(SseEvent.of("a\n\rb"))).isEqualTo("id: 100-7\ndata: a\ndata: \ndata: b\n\n");
	}

	@Test
	void trailingLineBreakKeepsAnEmptyLastLine() {
		// A client joins data lines with LF, so "a\n" round-trips as "a" + LF + "".
		assertThat(frame(SseEvent.of("a\n"))).isEqualTo("id: 100-7\ndata: a\ndata: \n\n");
	}

	@Test
	void leadingSpaceInDataSurvivesBecauseOfTheSpaceAfterTheColon() {
		assertThat(frame(SseEvent.of("  indented"))).isEqualTo("id: 100-7\ndata:   indented\n\n");
	}

	@Test
	void emptyDataStillProducesAnEvent() {
		assertThat(frame(SseEvent.of(""))).isEqualTo("id: 100-7\ndata: \n\n");
	}

	@Test
	void unicodeIsEncodedAsUtf8WithoutBom() {
		byte[] frame = SseFormat.frame(ID, SseFormat.body(SseEvent.of("héllo 世界 😀")));
		assertThat(frame).startsWith((byte) 'i', (byte) 'd');
		assertThat(new String(frame, StandardCharsets.UTF_8)).isEqualTo("id: 100-7\ndata: héllo 世界 😀\n\n");
		assertThat(frame).hasSize("id: 100-7\ndata: \n\n".length() + "héllo 世界 😀".getBytes(StandardCharsets.UTF_8).length);
	}

	@Test
	void dataMayContainColonsAndFieldLookalikes() {
		assertThat(frame(SseEvent.of("id: 5\nevent: x\n: comment"))).isEqualTo(
				"id: 100-7\ndata: id: 5\ndata: event: x\ndata: : comment\n\n");
	}

	@Test
	void eventWithStringIdMatchesTheFrameOfStoredEvents() {
		SseEvent event = SseEvent.of("n", "a\nb");
		assertThat(SseFormat.event(ID.toString(), event)).isEqualTo(SseFormat.frame(ID, SseFormat.body(event)));
		assertThat(new String(SseFormat.event(null, event), StandardCharsets.UTF_8))
			.isEqualTo("event: n\ndata: a\ndata: b\n\n");
	}

	@Test
	void positionBlockCarriesOnlyRetryAndId() {
		assertThat(text(SseFormat.priming("100-7", Duration.ofMillis(2500)))).isEqualTo("retry: 2500\nid: 100-7\n\n");
		assertThat(text(SseFormat.priming("100-7", null))).isEqualTo("id: 100-7\n\n");
		assertThat(text(SseFormat.priming(null, Duration.ofSeconds(3)))).isEqualTo("retry: 3000\n\n");
	}

	@Test
	void retryIsWholeMilliseconds() {
		assertThat(text(SseFormat.priming(null, Duration.ofNanos(1_999_999)))).isEqualTo("retry: 1\n\n");
	}

	@Test
	void commentLinesStartWithAColon() {
		assertThat(text(SseFormat.comment("heartbeat"))).isEqualTo(": heartbeat\n\n");
		assertThat(text(SseFormat.comment("two\nlines"))).isEqualTo(": two\n: lines\n\n");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\nb", "a\rb", "a\u0000b", "\r\n" })
	void eventNameWithLineBreakOrNulIsRejected(String name) {
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> SseEvent.of(name, "x"))
			.withMessageContaining("event field")
			.withMessageMatching(".*(CR|LF|NUL).*");
	}

	@ParameterizedTest
	@ValueSource(strings = { "1\n2", "1\r", "\u0000" })
	void idWithLineBreakOrNulIsRejected(String id) {
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> SseFormat.event(id, SseEvent.of("x")))
			.withMessageContaining("id field");
	}

	@Test
	void rejectionSaysWhichCharacterAndWhere() {
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> SseEvent.of("ab\rc", "x"))
			.withMessage("The event field must not contain CR (at index 2): it would break the event-stream framing");
	}

	@Test
	void nullDataIsRejected() {
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> SseEvent.of("n", null))
			.withMessageContaining("must not be null");
	}

	private static String frame(SseEvent event) {
		return text(SseFormat.frame(ID, SseFormat.body(event)));
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
