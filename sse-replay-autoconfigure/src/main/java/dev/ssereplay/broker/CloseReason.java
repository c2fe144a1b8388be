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

	/**
	 * The stream ended: the connection received its final event, or had nothing
	 * left to receive.
	 */
	COMPLETED,

	/** The broker shut down. */
	SHUTDOWN,

	/**
	 * The connection was never served within the start timeout: the controller
	 * did not return the emitter (it threw after subscribing, or subscribed
	 * outside a request).
	 */
	UNSERVED;

	/**
	 * Returns the lowercase name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
