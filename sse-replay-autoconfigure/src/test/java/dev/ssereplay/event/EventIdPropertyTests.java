package dev.ssereplay.event;

import java.math.BigInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text form of {@link EventId} over random ids and random text: every id
 * reads back from its text, and no text makes parsing fail with anything but
 * {@code null}.
 */
class EventIdPropertyTests {

	private static final int CASES = 5000;

	private static final Pattern GRAMMAR = Pattern.compile("[0-9a-z]{1,13}-[0-9]{1,18}");

	private static final BigInteger LARGEST_EPOCH = BigInteger.valueOf(Long.MAX_VALUE);

	@Test
	void everyIdReadsBackFromItsText() {
		RandomCases.check(CASES, (random) -> {
			EventId id = RandomIds.id(random);
			assertThat(EventId.parse(id.toString())).as(id.toString()).isEqualTo(id);
		});
	}

	@Test
	void anyTextParsesToAnIdOrToNullWithoutThrowing() {
		RandomCases.check(CASES, (random) -> {
			String text = RandomIds.nearId(random, false);
			EventId id = EventId.parse(text);
			if (id != null) {
				assertThat(EventId.parse(id.toString())).as(RandomText.escape(text)).isEqualTo(id);
			}
		});
	}

	/**
	 * Within ASCII, parsing agrees with a plain reading of the documented grammar,
	 * {@code <epoch in base 36>-<sequence in decimal>}, with a positive epoch that
	 * fits a {@code long}: lowercase only, at most 13 and 18 characters. Leading
	 * zeros are read, not rejected: the id they name is the same.
	 */
	@Test
	void asciiTextParsesAsTheGrammarReadsIt() {
		RandomCases.check(CASES, (random) -> {
			String text = RandomIds.nearId(random, true);
			assertThat(EventId.parse(text)).as(RandomText.escape(text)).isEqualTo(grammar(text));
		});
	}

	@Test
	void onlyAsciiDigitsAndLowercaseLettersMakeAnEpoch() {
		assertThat(EventId.parse("\u0661-5")).isNull();
		assertThat(EventId.parse("\uFF41-1")).isNull();
		assertThat(Position.parse("\u0661-5")).isSameAs(Position.MALFORMED);
	}

	private static EventId grammar(String text) {
		if (!GRAMMAR.matcher(text).matches()) {
			return null;
		}
		int dash = text.indexOf('-');
		BigInteger epoch = new BigInteger(text.substring(0, dash), 36);
		if (epoch.signum() == 0 || epoch.compareTo(LARGEST_EPOCH) > 0) {
			return null;
		}
		return new EventId(epoch.longValueExact(), Long.parseLong(text.substring(dash + 1)));
	}

}
