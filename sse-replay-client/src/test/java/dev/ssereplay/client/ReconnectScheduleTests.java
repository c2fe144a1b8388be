package dev.ssereplay.client;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectScheduleTests {

	@Test
	void aServerRetryIsCappedByTheMaximumDelay() {
		ReconnectSchedule schedule = schedule(Duration.ofSeconds(30));
		schedule.serverRetry(99_999_999_999L);
		assertThat(schedule.reconnectDelayMillis()).isEqualTo(30_000);
		schedule.serverRetry(Long.MAX_VALUE);
		assertThat(schedule.reconnectDelayMillis()).isEqualTo(30_000);
		schedule.serverRetry(5000);
		assertThat(schedule.reconnectDelayMillis()).isEqualTo(5000);
	}

	@Test
	void hugeDelaysDoNotThrow() {
		ReconnectSchedule schedule = schedule(Duration.ofSeconds(Long.MAX_VALUE));
		schedule.serverRetry(Long.MAX_VALUE);
		assertThat(schedule.reconnectDelayMillis()).isEqualTo(Long.MAX_VALUE);
		try {
			for (int i = 0; i < 3; i++) {
				assertThat(schedule.scheduleNext((ticket) -> {
				})).isTrue();
			}
		}
		finally {
			schedule.cancel();
		}
	}

	private static ReconnectSchedule schedule(Duration maxReconnectDelay) {
		return new ReconnectSchedule(Duration.ofSeconds(1), maxReconnectDelay, 0.5, Duration.ofSeconds(10));
	}

}
