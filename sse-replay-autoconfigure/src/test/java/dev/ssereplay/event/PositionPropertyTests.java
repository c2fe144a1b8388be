package dev.ssereplay.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Position#parse} over random {@code Last-Event-ID} values: fresh exactly
 * for none or an empty one, after an id exactly when the text is an id, malformed
 * for everything else, and never an exception.
 */
class PositionPropertyTests {

	private static final int CASES = 5000;

	@Test
	void aPositionIsFreshAfterAnIdOrMalformedAndNothingElse() {
		RandomCases.check(CASES, (random) -> {
			String text = switch (random.nextInt(12)) {
				case 0 -> null;
				case 1 -> "";
				case 2 -> RandomText.any(random);
				default -> RandomIds.nearId(random, random.nextBoolean());
			};
			Position position = Position.parse(text);
			EventId id = EventId.parse(text);
			if (text == null || text.isEmpty()) {
				assertThat(position).isSameAs(Position.FRESH);
			}
			else if (id != null) {
				assertThat(position).as(RandomText.escape(text)).isEqualTo(Position.after(id));
			}
			else {
				assertThat(position).as(RandomText.escape(text)).isSameAs(Position.MALFORMED);
			}
		});
	}

	@Test
	void thePositionAfterAnyIdIsReadBackFromItsText() {
		RandomCases.check(CASES, (random) -> {
			EventId id = RandomIds.id(random);
			assertThat(Position.parse(id.toString())).as(id.toString()).isEqualTo(Position.after(id));
		});
	}

}
