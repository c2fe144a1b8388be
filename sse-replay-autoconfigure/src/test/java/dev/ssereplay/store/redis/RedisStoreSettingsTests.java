package dev.ssereplay.store.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which settings a Redis store accepts, and what it says about one it does not.
 */
class RedisStoreSettingsTests {

	private static final Duration MILLI = Duration.ofMillis(1);

	@Test
	void acceptsTheSmallestValidSettings() {
		RedisStoreSettings settings = new RedisStoreSettings(1, MILLI, Duration.ofNanos(1), true, 1, RedisPubSub.AUTO);
		assertThat(settings.maxEventsPerStream()).isEqualTo(1);
		assertThat(settings.timeToLive()).isEqualTo(MILLI);
		assertThat(settings.commandTimeout()).isEqualTo(Duration.ofNanos(1));
		assertThat(settings.keepEpochAcrossRestarts()).isTrue();
		assertThat(settings.maxInFlightAppends()).isEqualTo(1);
	}

	@Test
	void rejectsNoEventsPerStream() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisStoreSettings(0, MILLI, MILLI, false, 1, RedisPubSub.AUTO))
			.withMessage("maxEventsPerStream must be positive, was 0");
	}

	@Test
	void rejectsATimeToLiveUnderAMillisecond() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisStoreSettings(1, Duration.ofNanos(999_999), MILLI, false, 1, RedisPubSub.AUTO))
			.withMessage("timeToLive must be at least a millisecond, was PT0.000999999S");
	}

	@Test
	void rejectsACommandTimeoutThatIsNotPositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisStoreSettings(1, MILLI, Duration.ZERO, false, 1, RedisPubSub.AUTO))
			.withMessage("commandTimeout must be positive, was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisStoreSettings(1, MILLI, Duration.ofSeconds(-1), false, 1, RedisPubSub.AUTO))
			.withMessage("commandTimeout must be positive, was PT-1S");
	}

	@Test
	void rejectsNoAppendsInFlight() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisStoreSettings(1, MILLI, MILLI, false, 0, RedisPubSub.AUTO))
			.withMessage("maxInFlightAppends must be positive, was 0");
	}

}
