package dev.ssereplay.broker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides when a message that may repeat very often is logged: the first time,
 * then once the interval has passed since it was last logged.
 * <p>
 * Thread-safe; of callers that arrive at the same time, one is told to log.
 */
final class LogInterval {

	private final long intervalNanos;

	// 0 until the first time; otherwise odd, so that it is never 0 again.
	private final AtomicLong lastNanos = new AtomicLong();

	/**
	 * Creates an interval that lets the first message through.
	 * @param interval the least time between two messages
	 */
	LogInterval(Duration interval) {
		this.intervalNanos = interval.toNanos();
	}

	/**
	 * Whether the message is to be logged now; when it is, the interval starts
	 * again.
	 * @return {@code true} for the first call, and for the first call once the
	 * interval has passed
	 */
	boolean due() {
		long now = System.nanoTime();
		long last = this.lastNanos.get();
		return (last == 0 || now - last >= this.intervalNanos) && this.lastNanos.compareAndSet(last, now | 1);
	}

}
