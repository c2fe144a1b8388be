package dev.ssereplay.broker;

/**
 * A subscriber's handle on its subscription.
 */
public interface Subscription {

	/**
	 * Returns the stream subscribed to.
	 * @return the stream name
	 */
	String stream();

	/**
	 * Whether the subscription still receives events.
	 * @return {@code false} once closed, by either side
	 */
	boolean isActive();

	/**
	 * Ends the subscription because its connection is gone (completed, failed or
	 * timed out). Idempotent.
	 */
	void disconnected();

	/**
	 * Ends the subscription and its connection. Idempotent.
	 */
	void cancel();

}
