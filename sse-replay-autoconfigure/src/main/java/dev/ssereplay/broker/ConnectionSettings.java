package dev.ssereplay.broker;

import java.time.Instant;
import java.util.function.Predicate;

/**
 * How one connection is treated, where it differs from the broker's defaults.
 *
 * @param eventNames which event names to deliver, or {@code null} for all
 * (unnamed events are named {@code message}; a stream's final event is always
 * delivered)
 * @param queueDepth the most live events queued for the connection, positive,
 * or 0 for the broker's {@link BrokerOptions#queueDepth()}
 * @param slowPolicy what happens when its queue is full, or {@code null} for the
 * broker's {@link BrokerOptions#slowPolicy()}
 * @param expiresAt when the connection's authorization ends: the connection is
 * then ended ({@link CloseReason#EXPIRED}) and the client reconnects and is
 * authorized again; {@code null} for never
 */
public record ConnectionSettings(Predicate<String> eventNames, int queueDepth, SlowConnectionPolicy slowPolicy,
		Instant expiresAt) {

	/** The broker's defaults for everything. */
	public static final ConnectionSettings DEFAULTS = new ConnectionSettings(null, 0, null, null);

	/**
	 * Creates settings.
	 * @param eventNames which event names to deliver, or {@code null} for all
	 * @param queueDepth the most live events queued, or 0 for the default
	 * @param slowPolicy the slow-connection policy, or {@code null} for the default
	 * @param expiresAt when the authorization ends, or {@code null} for never
	 */
	public ConnectionSettings {
		OptionChecks.notNegative("queueDepth", queueDepth);
	}

	/**
	 * Returns settings that deliver only events accepted by the filter.
	 * @param eventNames which event names to deliver, or {@code null} for all
	 * @return the settings
	 */
	public static ConnectionSettings filtered(Predicate<String> eventNames) {
		return new ConnectionSettings(eventNames, 0, null, null);
	}

	int queueDepth(BrokerOptions defaults) {
		return (this.queueDepth > 0) ? this.queueDepth : defaults.queueDepth();
	}

	SlowConnectionPolicy slowPolicy(BrokerOptions defaults) {
		return (this.slowPolicy != null) ? this.slowPolicy : defaults.slowPolicy();
	}

}
