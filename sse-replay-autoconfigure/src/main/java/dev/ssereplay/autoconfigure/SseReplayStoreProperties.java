package dev.ssereplay.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * Replay store properties.
 */
public class SseReplayStoreProperties {

	/**
	 * Where the history of streams is kept.
	 */
	private SseReplayProperties.StoreType type = SseReplayProperties.StoreType.MEMORY;

	/**
	 * Maximum number of events kept per stream; older ones are removed.
	 */
	private int maxEventsPerStream = 1000;

	/**
	 * Maximum heap the in-memory store retains for all streams together: the
	 * formatted events and an estimate of the objects that hold them and their
	 * streams; the oldest events are removed first.
	 */
	private DataSize maxBytes = DataSize.ofMegabytes(64);

	/**
	 * How long an event is kept for clients that resume.
	 */
	private Duration timeToLive = Duration.ofHours(1);

	public SseReplayProperties.StoreType getType() {
		return this.type;
	}

	public void setType(SseReplayProperties.StoreType type) {
		this.type = type;
	}

	public int getMaxEventsPerStream() {
		return this.maxEventsPerStream;
	}

	public void setMaxEventsPerStream(int maxEventsPerStream) {
		SseReplayProperties.requirePositive("sse.replay.store.max-events-per-stream", maxEventsPerStream);
		this.maxEventsPerStream = maxEventsPerStream;
	}

	public DataSize getMaxBytes() {
		return this.maxBytes;
	}

	public void setMaxBytes(DataSize maxBytes) {
		SseReplayProperties.requirePositive("sse.replay.store.max-bytes", maxBytes.toBytes());
		this.maxBytes = maxBytes;
	}

	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	public void setTimeToLive(Duration timeToLive) {
		SseReplayProperties.requirePositive("sse.replay.store.time-to-live", timeToLive);
		this.timeToLive = timeToLive;
	}

}
