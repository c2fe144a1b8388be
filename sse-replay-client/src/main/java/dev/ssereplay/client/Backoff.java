package dev.ssereplay.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Computes reconnection delays: the base delay (the server's {@code retry:}, capped
 * by the maximum, once it sent one) doubled for each failed attempt in a row, capped, then shortened by a
 * random part so that many clients dropped at once do not come back at once.
 */
final class Backoff {

	// With a base of 0 (a server that asks for immediate reconnection) doubling would
	// stay at 0 and a failing server would be hit in a tight loop.
	static final long MIN_GROWTH_MILLIS = 100;

	private final long maxMillis;

	private final double jitter;

	private final DoubleSupplier random;

	Backoff(long maxMillis, double jitter) {
		this(maxMillis, jitter, () -> ThreadLocalRandom.current().nextDouble());
	}

	Backoff(long maxMillis, double jitter, DoubleSupplier random) {
		this.maxMillis = maxMillis;
		this.jitter = jitter;
		this.random = random;
	}

	/**
	 * Returns the delay before the next attempt.
	 * @param baseMillis the base delay
	 * @param failures the attempts that failed in a row before this one, 0 for the
	 * first reconnection after a stable connection
	 * @return the delay in milliseconds
	 */
	long delayMillis(long baseMillis, int failures) {
		// A base above the maximum can only be a reconnectDelay the application chose
		// (a server's retry is capped before it gets here), and is kept: the maximum
		// bounds the growth, not the application's own choice.
		long cap = Math.max(this.maxMillis, baseMillis);
		long delay = baseMillis;
		if (failures > 0) {
			delay = Math.max(baseMillis, MIN_GROWTH_MILLIS);
			for (int i = 0; i < failures && delay < cap; i++) {
				delay = (delay > Long.MAX_VALUE / 2) ? Long.MAX_VALUE : delay * 2;
			}
		}
		delay = Math.min(delay, cap);
		return delay - (long) (delay * this.jitter * this.random.getAsDouble());
	}

}
