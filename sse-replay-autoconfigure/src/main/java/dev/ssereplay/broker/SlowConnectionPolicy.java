package dev.ssereplay.broker;

import java.util.Locale;

/**
 * What happens to a subscriber whose queue of live events is full. Replay is
 * never subject to it: a resuming client receives history at its own pace.
 */
public enum SlowConnectionPolicy {

	/**
	 * Stop queueing, write what is already queued, then end the connection. The
	 * client reconnects with its last id and catches up from the store, so
	 * nothing is lost while history lasts.
	 */
	CLOSE,

	/**
	 * Keep the connection and discard live events that do not fit. Before the
	 * next event the client receives the resync event with reason
	 * {@code dropped}, so the gap is never silent.
	 */
	DROP,

	/**
	 * Discard the queue and end the connection at once, without writing what was
	 * queued. The client reconnects and catches up like {@link #CLOSE}.
	 */
	REMOVE;

	/**
	 * Returns the lowercase name used in properties and metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
