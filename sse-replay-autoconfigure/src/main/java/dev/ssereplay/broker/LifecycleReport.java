package dev.ssereplay.broker;

import dev.ssereplay.event.Position;

/**
 * What one connection tells the {@link SubscriptionListener}s: that it started,
 * once, when it first caught up with the stream, and that it ended, with how
 * many events it wrote from history and live.
 * <p>
 * Not thread-safe: confined to the connection's writer, or to the thread that
 * ends the connection when no writer can run.
 */
final class LifecycleReport {

	private final SubscriberContext.Lifecycle lifecycle;

	private final String stream;

	private final String principal;

	private final boolean resumed;

	private long replayed;

	private long delivered;

	private boolean started;

	/**
	 * Creates the report of a connection that has written nothing yet.
	 * @param lifecycle where the start and the end are reported
	 * @param stream the stream the connection subscribed to
	 * @param client who the connection belongs to
	 * @param from where the connection asked to start
	 */
	LifecycleReport(SubscriberContext.Lifecycle lifecycle, String stream, Client client, Position from) {
		this.lifecycle = lifecycle;
		this.stream = stream;
		this.principal = client.principal();
		this.resumed = from instanceof Position.After;
	}

	/**
	 * Counts the events of a batch that reached the connection.
	 */
	void written(FrameBatch batch) {
		this.replayed += batch.replayed();
		this.delivered += batch.live();
	}

	/**
	 * Reports the start, the first time the connection has caught up.
	 */
	void caughtUp() {
		if (!this.started) {
			this.started = true;
			this.lifecycle.started(
					new SubscriptionListener.Started(this.stream, this.principal, this.resumed, this.replayed));
		}
	}

	/**
	 * Reports the end.
	 * @param reason why the connection ended
	 * @param durationMillis how long it was open
	 */
	void ended(CloseReason reason, long durationMillis) {
		this.lifecycle.ended(new SubscriptionListener.Ended(this.stream, this.principal, reason, this.replayed,
				this.delivered, durationMillis));
	}

}
