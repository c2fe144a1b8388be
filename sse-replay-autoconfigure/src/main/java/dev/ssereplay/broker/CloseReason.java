package dev.ssereplay.broker;

import java.util.Locale;

/**
 * Why a subscriber's connection ended.
 */
public enum CloseReason {

	/** The client went away, the connection failed or timed out. */
	DISCONNECTED,

	/** The application cancelled the subscription. */
	CANCELLED,

	/** The slow-connection policy ended it. */
	SLOW,

	/** The broker shut down. */
	SHUTDOWN;

	/**
	 * Returns the lowercase name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
