package dev.ssereplay.store;

/**
 * Why a store removed an event before anyone asked it to.
 */
public enum EvictionReason {

	/** The stream held {@code max-events-per-stream} events. */
	COUNT,

	/** The process held {@code max-bytes} of events. */
	BYTES,

	/** The event was older than {@code time-to-live}. */
	EXPIRED;

	/**
	 * Returns the lowercase name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
