package dev.ssereplay.broker;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The times by which a connection's housekeeping decides. Without a clock: every
 * time is the test's.
 */
class ConnectionTimesTests {

	private static final long CREATED = 1_000_000_000L;

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	@Test
	void startIsOverdueOnceTheStartTimeoutHasPassed() {
		ConnectionTimes times = new ConnectionTimes(CREATED, null);
		assertThat(times.isStartOverdue(CREATED + 10 * SECOND - 1, Duration.ofSeconds(10))).isFalse();
		assertThat(times.isStartOverdue(CREATED + 10 * SECOND, Duration.ofSeconds(10))).isTrue();
	}

	@Test
	void neverExpiresWithoutAnExpiry() {
		ConnectionTimes times = new ConnectionTimes(CREATED, null);
		assertThat(times.isExpired(CREATED + Long.MAX_VALUE / 2)).isFalse();
	}

	@Test
	void expiresWhenTheAuthorizationEnds() {
		ConnectionTimes times = new ConnectionTimes(CREATED, Instant.now().plusSeconds(3600));
		assertThat(times.isExpired(CREATED)).isFalse();
		assertThat(times.isExpired(CREATED + 3601 * SECOND)).isTrue();
	}

	@Test
	void isExpiredAtOnceWhenTheAuthorizationHasAlreadyEnded() {
		ConnectionTimes times = new ConnectionTimes(CREATED, Instant.now().minusSeconds(1));
		assertThat(times.isExpired(CREATED)).isTrue();
	}

	@Test
	void heartbeatIsDueAfterAnIntervalWithoutAWrite() {
		ConnectionTimes times = new ConnectionTimes(CREATED, null);
		assertThat(times.isHeartbeatDue(CREATED + SECOND - 1, SECOND)).isFalse();
		assertThat(times.isHeartbeatDue(CREATED + SECOND, SECOND)).isTrue();
		times.written(CREATED + SECOND);
		assertThat(times.isHeartbeatDue(CREATED + 2 * SECOND - 1, SECOND)).isFalse();
		assertThat(times.isHeartbeatDue(CREATED + 2 * SECOND, SECOND)).isTrue();
	}

	@Test
	void heartbeatIsNeverDueWhenDisabled() {
		ConnectionTimes times = new ConnectionTimes(CREATED, null);
		assertThat(times.isHeartbeatDue(CREATED + 1000 * SECOND, 0)).isFalse();
	}

	@Test
	void stallsOnlyWhileAWriteIsUnderWayForTheThreshold() {
		ConnectionTimes times = new ConnectionTimes(CREATED, null);
		assertThat(times.isStalled(CREATED + 1000 * SECOND, SECOND)).isFalse();
		times.writeStarted(CREATED);
		assertThat(times.isStalled(CREATED + SECOND / 2, SECOND)).isFalse();
		assertThat(times.isStalled(CREATED + SECOND + 1, SECOND)).isTrue();
		times.writeEnded();
		assertThat(times.isStalled(CREATED + 1000 * SECOND, SECOND)).isFalse();
	}

	@Test
	void aWriteStartedAtTimeZeroStillCountsAsUnderWay() {
		ConnectionTimes times = new ConnectionTimes(0, null);
		times.writeStarted(0);
		assertThat(times.isStalled(2 * SECOND, SECOND)).isTrue();
	}

	@Test
	void ageIsInMilliseconds() {
		ConnectionTimes times = new ConnectionTimes(CREATED, null);
		assertThat(times.ageMillis(CREATED + 2 * SECOND + 999_999)).isEqualTo(2000);
	}

}
