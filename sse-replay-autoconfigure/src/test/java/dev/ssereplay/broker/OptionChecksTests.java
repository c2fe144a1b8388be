package dev.ssereplay.broker;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The checks of the broker's settings: each accepts its bound, returns the value,
 * and refuses the rest naming the setting, the bound and the value.
 */
class OptionChecksTests {

	@Test
	void aPositiveCountStartsAtOne() {
		assertThat(OptionChecks.positive("queueDepth", 1)).isEqualTo(1);
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.positive("queueDepth", 0))
			.withMessage("queueDepth must be positive, was 0");
	}

	@Test
	void aCountThatMayBeNoneStartsAtZero() {
		assertThat(OptionChecks.notNegative("maxConnectionsPerAddress", 0)).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.notNegative("maxConnectionsPerAddress", -1))
			.withMessage("maxConnectionsPerAddress must not be negative, was -1");
	}

	@Test
	void aPositiveTimeIsLongerThanZero() {
		assertThat(OptionChecks.positive("startTimeout", Duration.ofNanos(1))).isEqualTo(Duration.ofNanos(1));
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.positive("startTimeout", Duration.ZERO))
			.withMessage("startTimeout must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.positive("startTimeout", null))
			.withMessage("startTimeout must be positive, was null");
	}

	@Test
	void aTimeThatTurnsSomethingOffMayBeZeroButNotMissing() {
		assertThat(OptionChecks.zeroOrPositive("heartbeatInterval", Duration.ZERO)).isEqualTo(Duration.ZERO);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> OptionChecks.zeroOrPositive("heartbeatInterval", Duration.ofSeconds(-1)))
			.withMessage("heartbeatInterval must be zero or positive, was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.zeroOrPositive("heartbeatInterval", null))
			.withMessage("heartbeatInterval must be zero or positive, was null");
	}

	@Test
	void aTimeThatMayBeNoneIsMissingOrNotNegative() {
		assertThat(OptionChecks.notNegative("retry", (Duration) null)).isNull();
		assertThat(OptionChecks.notNegative("retry", Duration.ZERO)).isEqualTo(Duration.ZERO);
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.notNegative("retry", Duration.ofMillis(-1)))
			.withMessage("retry must not be negative, was PT-0.001S");
	}

	@Test
	void aRequiredValueIsNotNull() {
		assertThat(OptionChecks.notNull("slowPolicy", SlowConnectionPolicy.DROP)).isEqualTo(SlowConnectionPolicy.DROP);
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.notNull("slowPolicy", null))
			.withMessage("slowPolicy must not be null");
	}

	@Test
	void anEventNameIsNotEmptyAndFitsOnOneLine() {
		assertThat(OptionChecks.eventName("resyncEventName", "resync")).isEqualTo("resync");
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.eventName("resyncEventName", ""))
			.withMessage("resyncEventName must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.eventName("resyncEventName", null))
			.withMessage("resyncEventName must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> OptionChecks.eventName("resyncEventName", "re\nsync"))
			.withMessageContaining("must not contain LF");
	}

}
