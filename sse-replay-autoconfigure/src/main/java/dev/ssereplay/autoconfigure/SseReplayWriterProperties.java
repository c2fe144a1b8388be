package dev.ssereplay.autoconfigure;

import java.time.Duration;

/**
 * Properties of the threads that write to connections.
 */
public class SseReplayWriterProperties {

	/**
	 * Whether to write event streams with non-blocking servlet output, so that a
	 * client that stops reading holds no thread and its events wait in its queue.
	 * When off, streams are written through SseEmitter.send, whose writes block on
	 * such a client and are made up for by extra writer threads.
	 */
	private boolean nonBlocking = true;

	/**
	 * Number of writer threads for normal work; 0 for the number of processors.
	 * Not used with virtual threads (spring.threads.virtual.enabled on Java 21+).
	 */
	private int threads = 0;

	/**
	 * How long a write may block on a client that is not reading before another
	 * writer thread is added to make up for it. Only blocking writes block: with
	 * non-blocking output, those of a ResponseEntity-wrapped or custom connection.
	 */
	private Duration stallThreshold = Duration.ofMillis(500);

	/**
	 * Maximum number of writer threads added for blocked writes.
	 */
	private int maxExtraThreads = 512;

	public boolean isNonBlocking() {
		return this.nonBlocking;
	}

	public void setNonBlocking(boolean nonBlocking) {
		this.nonBlocking = nonBlocking;
	}

	public int getThreads() {
		return this.threads;
	}

	public void setThreads(int threads) {
		if (threads < 0) {
			throw new IllegalArgumentException("sse.replay.writer.threads must not be negative, was " + threads);
		}
		this.threads = threads;
	}

	public Duration getStallThreshold() {
		return this.stallThreshold;
	}

	public void setStallThreshold(Duration stallThreshold) {
		SseReplayProperties.requirePositive("sse.replay.writer.stall-threshold", stallThreshold);
		this.stallThreshold = stallThreshold;
	}

	public int getMaxExtraThreads() {
		return this.maxExtraThreads;
	}

	public void setMaxExtraThreads(int maxExtraThreads) {
		if (maxExtraThreads < 0) {
			throw new IllegalArgumentException(
					"sse.replay.writer.max-extra-threads must not be negative, was " + maxExtraThreads);
		}
		this.maxExtraThreads = maxExtraThreads;
	}

}
