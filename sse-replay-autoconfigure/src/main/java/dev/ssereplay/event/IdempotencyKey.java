package dev.ssereplay.event;

/**
 * A key that makes a publish safe to retry: a second publish to the same stream
 * with the same key, while the store remembers the first, stores nothing and
 * answers the first event's id. A client sends one with its request (the
 * {@code Idempotency-Key} header, say) and sends the same again when it retries
 * after a timeout or a lost answer.
 * <p>
 * Between 1 and {@value #MAX_LENGTH} characters, each visible ASCII or a space,
 * as an HTTP header field can carry it; a UUID is a good choice. Keys are
 * compared exactly, per stream.
 *
 * @param value the key
 */
public record IdempotencyKey(String value) {

	/** The most characters a key may have. */
	public static final int MAX_LENGTH = 255;

	/**
	 * Checks the key.
	 * @param value the key
	 * @throws InvalidEventException when the key is empty, too long, or has a
	 * character other than visible ASCII or a space
	 */
	public IdempotencyKey {
		if (value == null || value.isEmpty()) {
			throw new InvalidEventException("An idempotency key must not be empty");
		}
		if (value.length() > MAX_LENGTH) {
			throw new InvalidEventException("An idempotency key may have at most " + MAX_LENGTH
					+ " characters, this one has " + value.length());
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				throw new InvalidEventException("An idempotency key may only have visible ASCII characters and "
						+ "spaces; it has U+" + String.format("%04X", (int) c) + " at index " + i);
			}
		}
	}

	/**
	 * Returns a key, or {@code null} for none, as a header that may be absent
	 * gives it.
	 * @param value the key, or {@code null}
	 * @return the key, or {@code null}
	 * @throws InvalidEventException when the key is present and not valid
	 */
	public static IdempotencyKey ofNullable(String value) {
		return (value != null) ? new IdempotencyKey(value) : null;
	}

	@Override
	public String toString() {
		return this.value;
	}

}
