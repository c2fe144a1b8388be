package dev.ssereplay.broker;

import java.util.Locale;

/**
 * Which limit refused a connection.
 */
public enum ConnectionLimit {

	/** {@code sse.replay.max-connections}: all connections of this process. */
	TOTAL("max-connections"),

	/** {@code sse.replay.max-connections-per-address}: one remote address. */
	PER_ADDRESS("max-connections-per-address"),

	/** {@code sse.replay.max-connections-per-principal}: one authenticated user. */
	PER_PRINCIPAL("max-connections-per-principal");

	private final String property;

	ConnectionLimit(String property) {
		this.property = property;
	}

	/**
	 * Returns the name of the property that sets this limit, under
	 * {@code sse.replay}.
	 * @return the property name
	 */
	public String property() {
		return this.property;
	}

	/**
	 * Returns the lowercase name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
