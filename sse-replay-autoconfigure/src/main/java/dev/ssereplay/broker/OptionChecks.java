package dev.ssereplay.broker;

import java.time.Duration;

import dev.ssereplay.event.SseFormat;

/**
 * The checks a broker setting passes when it is set, one per kind of bound, so
 * that every setting of {@link BrokerOptions} and {@link ConnectionSettings}
 * refuses a bad value in the same words: the setting's name, the bound, and the
 * value it was given. Each check returns the value it accepted.
 * <p>
 * Stateless, and so thread-safe.
 */
final class OptionChecks {

	private OptionChecks() {
	}

	/**
	 * Accepts a count of at least one.
	 */
	static int positive(String name, int value) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	/**
	 * Accepts a count of zero or more, where zero means "none" or "the default".
	 */
	static int notNegative(String name, int value) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
		return value;
	}

	/**
	 * Accepts a time longer than zero.
	 */
	static Duration positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	/**
	 * Accepts a time of zero, which turns something off, or longer.
	 */
	static Duration zeroOrPositive(String name, Duration value) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
		}
		return value;
	}

	/**
	 * Accepts a time of zero or longer, or {@code null} for none.
	 */
	static Duration notNegative(String name, Duration value) {
		if (value != null && value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
		return value;
	}

	/**
	 * Accepts any value but {@code null}.
	 */
	static <T> T notNull(String name, T value) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

	/**
	 * Accepts a name that can be written as an event's {@code event:} field.
	 */
	static String eventName(String name, String value) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		SseFormat.checkField("event", value);
		return value;
	}

}
