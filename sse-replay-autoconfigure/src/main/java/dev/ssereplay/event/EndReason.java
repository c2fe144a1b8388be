package dev.ssereplay.event;

import java.util.Locale;

/**
 * Why a stream ended, as its final event tells the client in
 * {@code {"reason":"<tag>"}}.
 */
public enum EndReason {

	/** The producer finished the stream. */
	COMPLETED,

	/** The producer was stopped before it finished. */
	CANCELLED,

	/** The producer failed; the final event carries a short message. */
	FAILED,

	/** The stream and its history were removed. */
	DELETED;

	/**
	 * Returns the lowercase name the final event and metrics use.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
