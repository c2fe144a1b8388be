package dev.ssereplay.store;

import java.util.Locale;

/**
 * Why a subscriber cannot continue from where it was and is sent the resync
 * event instead.
 */
public enum ResyncReason {

	/** The events after the position were removed to keep a count or byte bound. */
	EVICTED,

	/** The events after the position outlived the time to live. */
	EXPIRED,

	/** The id belongs to another stream or to an earlier lifetime of this one. */
	OTHER_EPOCH,

	/** The id is not an id this server issues. */
	MALFORMED,

	/** The id is in the current lifetime but ahead of the newest event. */
	UNKNOWN,

	/** Live events were dropped because the subscriber's queue was full. */
	DROPPED;

	/**
	 * Returns the lowercase, dashed name used on the wire and in metrics.
	 * @return for example {@code other-epoch}
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
