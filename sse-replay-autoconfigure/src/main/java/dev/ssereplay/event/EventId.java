package dev.ssereplay.event;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A position in one lifetime of a stream's history: the epoch names the
 * lifetime, the sequence counts events in it (1, 2, 3, ... with no holes; 0 is
 * the position before the first event).
 * <p>
 * The text form is {@code <epoch in base 36>-<sequence in decimal>}, for
 * example {@code 3w5e11264sgsf-42}. Epochs are random, so an id taken from
 * another stream or from an earlier lifetime of the same stream does not match
 * the current one.
 *
 * @param epoch the lifetime of the stream's history, positive
 * @param sequence the number of events appended before and including this one
 */
public record EventId(long epoch, long sequence) {

	private static final int MAX_EPOCH_CHARS = 13;

	private static final int MAX_SEQUENCE_CHARS = 18;

	/**
	 * Checks the components.
	 * @param epoch positive epoch
	 * @param sequence non-negative sequence
	 */
	public EventId {
		if (epoch <= 0) {
			throw new IllegalArgumentException("Epoch must be positive, was " + epoch);
		}
		if (sequence < 0) {
			throw new IllegalArgumentException("Sequence must not be negative, was " + sequence);
		}
	}

	/**
	 * Returns a new random epoch for a new lifetime of a stream's history.
	 * @return a positive epoch
	 */
	public static long newEpoch() {
		return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
	}

	/**
	 * Parses the text form of an id.
	 * @param text the id as sent by a client, may be {@code null}
	 * @return the id, or {@code null} when the text is not a well-formed id
	 */
	public static EventId parse(String text) {
		if (text == null) {
			return null;
		}
		int dash = text.indexOf('-');
		if (dash < 1 || dash > MAX_EPOCH_CHARS || text.length() - dash - 1 < 1
				|| text.length() - dash - 1 > MAX_SEQUENCE_CHARS) {
			return null;
		}
		long epoch = 0;
		for (int i = 0; i < dash; i++) {
			// Only the ASCII digits and lowercase letters toString writes.
			char c = text.charAt(i);
			int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : -1;
			if (digit < 0) {
				return null;
			}
			if (epoch > (Long.MAX_VALUE - digit) / 36) {
				return null;
			}
			epoch = epoch * 36 + digit;
		}
		long sequence = 0;
		for (int i = dash + 1; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return null;
			}
			sequence = sequence * 10 + (c - '0');
		}
		return (epoch > 0) ? new EventId(epoch, sequence) : null;
	}

	/**
	 * Returns the id of the next event in the same lifetime.
	 * @return the next id
	 */
	public EventId next() {
		return new EventId(this.epoch, this.sequence + 1);
	}

	/**
	 * Returns the newer of two ids: the candidate when it is later in the same
	 * lifetime, or of another lifetime (a new one started), else the current.
	 * @param current the id so far, may be {@code null}
	 * @param candidate another id, not {@code null}
	 * @return the id to keep
	 */
	public static EventId newer(EventId current, EventId candidate) {
		return (current == null || !current.sameEpoch(candidate) || candidate.sequence() > current.sequence())
				? candidate : current;
	}

	/**
	 * Whether this id belongs to the same lifetime as the given one.
	 * @param other another id
	 * @return {@code true} when the epochs are equal
	 */
	public boolean sameEpoch(EventId other) {
		return other != null && other.epoch == this.epoch;
	}

	@Override
	public String toString() {
		return Long.toString(this.epoch, 36) + "-" + this.sequence;
	}

}
