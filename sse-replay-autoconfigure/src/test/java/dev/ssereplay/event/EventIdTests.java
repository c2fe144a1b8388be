package dev.ssereplay.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The text form of {@link EventId}.
 */
class EventIdTests {

	@Test
	void roundTripsThroughText() {
		for (int i = 0; i < 1000; i++) {
			EventId id = new EventId(EventId.newEpoch(), i * 7919L);
			assertThat(EventId.parse(id.toString())).isEqualTo(id);
		}
		EventId largest = new EventId(Long.MAX_VALUE, 999_999_999_999_999_999L);
		assertThat(EventId.parse(largest.toString())).isEqualTo(largest);
	}

	@Test
	void textIsBase36EpochDashDecimalSequence() {
		assertThat(new EventId(36, 5)).hasToString("10-5");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "-", "5", "a-", "-5", "A-5", "a-5x", "a--5", "a-+5", "a-5-5", " a-5", "a-5 ", "0-5",
			"zzzzzzzzzzzzzz-1", "1y2p0ij32e8e8-1", "a-9999999999999999999", "a-1234567890123456789", "é-1" })
	void rejectsWhatItDoesNotIssue(String text) {
		assertThat(EventId.parse(text)).isNull();
	}

	@Test
	void rejectsNull() {
		assertThat(EventId.parse(null)).isNull();
	}

	@Test
	void epochsAreRandomAndPositive() {
		assertThat(EventId.newEpoch()).isPositive().isNotEqualTo(EventId.newEpoch());
	}

	@Test
	void componentsAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EventId(0, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new EventId(1, -1));
	}

	@Test
	void comparesWithinAnEpoch() {
		assertThat(new EventId(5, 1).next()).isEqualTo(new EventId(5, 2));
		assertThat(new EventId(5, 1).sameEpoch(new EventId(5, 9))).isTrue();
		assertThat(new EventId(5, 1).sameEpoch(new EventId(6, 1))).isFalse();
	}

}
