package dev.ssereplay.broker;

/**
 * Told when connections start and end, for presence, auditing or usage
 * accounting. Define beans of this type; every one is told.
 * <p>
 * Calls are made off the write path, on one thread of their own, in the order
 * things happened; a slow listener delays other listeners, never delivery. At
 * most {@code sse.replay.listener.queue-depth} (10,000) notifications wait for
 * a slow listener; later ones are dropped, counted in
 * {@code sse.replay.listener.notifications.dropped} and logged at most once a
 * minute, so a listener that cannot keep up should hand its work to a thread of
 * its own. A listener that throws is isolated: the others are told all the same,
 * and the failure is counted in {@code sse.replay.callback.failures} with the
 * tag {@code subscription-listener}.
 */
public interface SubscriptionListener {

	/**
	 * A connection has caught up with its stream: what it missed is written, and
	 * live events follow. A connection that ends before it catches up is only
	 * told as {@link #ended ended}.
	 * @param started what started
	 */
	default void started(Started started) {
	}

	/**
	 * A connection ended, or a subscription was denied.
	 * @param ended what ended and why
	 */
	default void ended(Ended ended) {
	}

	/**
	 * A connection that caught up.
	 *
	 * @param stream the stream name
	 * @param principal the authenticated user's name, or {@code null}
	 * @param resumed whether the client came back with a position
	 * @param replayed how many events it was written from the store to catch up
	 */
	record Started(String stream, String principal, boolean resumed, long replayed) {
	}

	/**
	 * A connection that ended.
	 *
	 * @param stream the stream name
	 * @param principal the authenticated user's name, or {@code null}
	 * @param reason why; {@link CloseReason#DENIED} for a subscription that was
	 * never opened
	 * @param replayed events written from the store
	 * @param delivered live events written
	 * @param durationMillis how long the connection was open
	 */
	record Ended(String stream, String principal, CloseReason reason, long replayed, long delivered,
			long durationMillis) {
	}

}
