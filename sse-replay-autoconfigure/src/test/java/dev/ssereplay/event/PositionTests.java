package dev.ssereplay.event;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parsing a client's {@code Last-Event-ID} once, where it enters.
 */
class PositionTests {

	@Test
	void noIdOrAnEmptyOneIsAFreshConnect() {
		assertThat(Position.parse(null)).isSameAs(Position.FRESH);
		assertThat(Position.parse("")).isSameAs(Position.FRESH);
	}

	@Test
	void aWellFormedIdIsThePositionAfterIt() {
		EventId id = new EventId(12345, 42);
		assertThat(Position.parse(id.toString())).isEqualTo(Position.after(id));
		assertThat(Position.parse(id.toString())).isInstanceOfSatisfying(Position.After.class,
				(after) -> assertThat(after.id()).isEqualTo(id));
	}

	@Test
	void anythingElseIsMalformed() {
		for (String junk : List.of("junk", "-1", "abc-", "ABC-1", "1-99999999999999999999999", "zzzzzzzzzzzzzz-1", "0-1",
				"1-1-1", "1 -1", "\u0000", " ")) {
			assertThat(Position.parse(junk)).as(junk).isSameAs(Position.MALFORMED);
		}
	}

}
