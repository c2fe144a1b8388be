package dev.ssereplay.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

	@Test
	void doublesFromTheBaseUpToTheMaximum() {
		Backoff backoff = new Backoff(30_000, 0);
		assertThat(backoff.delayMillis(1000, 0)).isEqualTo(1000);
		assertThat(backoff.delayMillis(1000, 1)).isEqualTo(2000);
		assertThat(backoff.delayMillis(1000, 4)).isEqualTo(16_000);
		assertThat(backoff.delayMillis(1000, 5)).isEqualTo(30_000);
		assertThat(backoff.delayMillis(1000, Integer.MAX_VALUE)).isEqualTo(30_000);
	}

	@Test
	void aBaseAboveTheMaximumIsKept() {
		Backoff backoff = new Backoff(5000, 0);
		assertThat(backoff.delayMillis(60_000, 0)).isEqualTo(60_000);
		assertThat(backoff.delayMillis(60_000, 3)).isEqualTo(60_000);
	}

	@Test
	void aZeroBaseStillGrowsAfterFailures() {
		Backoff backoff = new Backoff(1000, 0);
		assertThat(backoff.delayMillis(0, 0)).isZero();
		assertThat(backoff.delayMillis(0, 1)).isEqualTo(2 * Backoff.MIN_GROWTH_MILLIS);
		assertThat(backoff.delayMillis(0, 10)).isEqualTo(1000);
	}

	@Test
	void hugeValuesDoNotOverflow() {
		Backoff backoff = new Backoff(Long.MAX_VALUE, 0);
		assertThat(backoff.delayMillis(Long.MAX_VALUE / 3, 5)).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void jitterTakesOffUpToItsFraction() {
		assertThat(new Backoff(30_000, 0.5, () -> 0.0).delayMillis(1000, 1)).isEqualTo(2000);
		assertThat(new Backoff(30_000, 0.5, () -> 0.5).delayMillis(1000, 1)).isEqualTo(1500);
		assertThat(new Backoff(30_000, 0.5, () -> 0.999).delayMillis(1000, 1)).isEqualTo(1001);
		assertThat(new Backoff(30_000, 1.0, () -> 0.999).delayMillis(1000, 0)).isEqualTo(1);
		Backoff random = new Backoff(30_000, 0.5);
		for (int i = 0; i < 1000; i++) {
			assertThat(random.delayMillis(1000, 2)).isBetween(2000L, 4000L);
		}
	}

}
