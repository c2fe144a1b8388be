package dev.ssereplay.broker;

import java.time.Duration;

/**
 * How a {@link Broker} treats its subscribers.
 *
 * @param queueDepth the most live events queued per subscriber
 * @param slowPolicy what happens when a subscriber's queue is full
 * @param heartbeatInterval idle time after which a heartbeat comment is written;
 * zero disables heartbeats
 * @param retry the reconnection delay sent to clients when they connect, or
 * {@code null} to send none
 * @param resyncEventName the name of the event sent when a position cannot be
 * served
 * @param maxConnections the most subscribers at once
 * @param replayBatchSize the most events read from the store and written at once
 * while catching up
 * @param stallThreshold how long a write may block before the writer pool adds a
 * thread to make up for it
 */
public record BrokerOptions(int queueDepth, SlowSubscriberPolicy slowPolicy, Duration heartbeatInterval,
		Duration retry, String resyncEventName, int maxConnections, int replayBatchSize, Duration stallThreshold) {

	/**
	 * Validates the options.
	 * @param queueDepth positive
	 * @param slowPolicy not {@code null}
	 * @param heartbeatInterval zero or positive
	 * @param retry {@code null}, zero or positive
	 * @param resyncEventName a valid event name
	 * @param maxConnections positive
	 * @param replayBatchSize positive
	 * @param stallThreshold positive
	 */
	public BrokerOptions {
		if (queueDepth < 1) {
			throw new IllegalArgumentException("queueDepth must be positive, was " + queueDepth);
		}
		if (slowPolicy == null) {
			throw new IllegalArgumentException("slowPolicy must not be null");
		}
		if (heartbeatInterval == null || heartbeatInterval.isNegative()) {
			throw new IllegalArgumentException("heartbeatInterval must be zero or positive, was " + heartbeatInterval);
		}
		if (retry != null && retry.isNegative()) {
			throw new IllegalArgumentException("retry must not be negative, was " + retry);
		}
		if (resyncEventName == null || resyncEventName.isEmpty()) {
			throw new IllegalArgumentException("resyncEventName must not be empty");
		}
		dev.ssereplay.event.SseFormat.checkField("event", resyncEventName);
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
		}
		if (replayBatchSize < 1) {
			throw new IllegalArgumentException("replayBatchSize must be positive, was " + replayBatchSize);
		}
		if (stallThreshold == null || stallThreshold.isNegative() || stallThreshold.isZero()) {
			throw new IllegalArgumentException("stallThreshold must be positive, was " + stallThreshold);
		}
	}

	/**
	 * Returns the defaults: 256 queued events, {@link SlowSubscriberPolicy#CLOSE},
	 * heartbeats after 15 seconds, retry 3 seconds, event {@code resync}, 10,000
	 * connections, replay in batches of 500, stall threshold 500 ms.
	 * @return the default options
	 */
	public static BrokerOptions defaults() {
		return new BrokerOptions(256, SlowSubscriberPolicy.CLOSE, Duration.ofSeconds(15), Duration.ofSeconds(3),
				"resync", 10_000, 500, Duration.ofMillis(500));
	}

}
