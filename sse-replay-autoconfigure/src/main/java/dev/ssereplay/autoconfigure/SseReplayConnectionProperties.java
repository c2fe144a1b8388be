package dev.ssereplay.autoconfigure;

import java.time.Duration;

import dev.ssereplay.broker.SlowConnectionPolicy;

/**
 * Per-connection properties.
 */
public class SseReplayConnectionProperties {

	/**
	 * Maximum number of live events queued for one connection before the
	 * slow-connection policy applies.
	 */
	private int queueDepth = 256;

	/**
	 * What happens to a connection whose queue is full: 'close' ends the
	 * connection after what is queued (the client resumes from the store),
	 * 'drop' discards events and sends the resync event, 'remove' ends the
	 * connection at once.
	 */
	private SlowConnectionPolicy slowPolicy = SlowConnectionPolicy.CLOSE;

	/**
	 * Maximum number of events read from the store and written at once while a
	 * resuming connection replays.
	 */
	private int replayBatchSize = 500;

	/**
	 * How long a subscription may wait for its emitter to be returned to Spring MVC
	 * before it is released and its connection slot returned; covers a handler
	 * that throws after subscribing.
	 */
	private Duration startTimeout = Duration.ofSeconds(10);

	/**
	 * How long a connection the server ended for slowness ('close' or 'remove') or
	 * at shutdown, or while its client was not reading, stays open for the client
	 * to read its end before its socket is reset; 0 resets it as soon as the
	 * response has ended. Applies on Tomcat's NIO connector, to HTTP/1.1.
	 */
	private Duration closeGrace = Duration.ofSeconds(5);

	public int getQueueDepth() {
		return this.queueDepth;
	}

	public void setQueueDepth(int queueDepth) {
		SseReplayProperties.requirePositive("sse.replay.connection.queue-depth", queueDepth);
		this.queueDepth = queueDepth;
	}

	public SlowConnectionPolicy getSlowPolicy() {
		return this.slowPolicy;
	}

	public void setSlowPolicy(SlowConnectionPolicy slowPolicy) {
		this.slowPolicy = slowPolicy;
	}

	public int getReplayBatchSize() {
		return this.replayBatchSize;
	}

	public void setReplayBatchSize(int replayBatchSize) {
		SseReplayProperties.requirePositive("sse.replay.connection.replay-batch-size", replayBatchSize);
		this.replayBatchSize = replayBatchSize;
	}

	public Duration getStartTimeout() {
		return this.startTimeout;
	}

	public void setStartTimeout(Duration startTimeout) {
		SseReplayProperties.requirePositive("sse.replay.connection.start-timeout", startTimeout);
		this.startTimeout = startTimeout;
	}

	public Duration getCloseGrace() {
		return this.closeGrace;
	}

	public void setCloseGrace(Duration closeGrace) {
		SseReplayProperties.requireNotNegative("sse.replay.connection.close-grace", closeGrace);
		this.closeGrace = closeGrace;
	}

}
