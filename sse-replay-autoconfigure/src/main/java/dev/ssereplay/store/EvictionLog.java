package dev.ssereplay.store;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the events an {@link InMemoryReplayStore} evicted, by reason, and warns
 * when the byte bound evicts: the first time, then at most once a minute, since
 * under pressure it evicts on every append.
 * <p>
 * {@link #evicted} runs under the lock of the store that holds it; the counts may
 * be read without it.
 */
final class EvictionLog {

	// The store's own category, so that its warnings are configured in one place.
	private static final Logger logger = LoggerFactory.getLogger(InMemoryReplayStore.class);

	private static final long WARNING_INTERVAL_MILLIS = 60_000;

	private final long maxBytes;

	private final AtomicLong[] counts = { new AtomicLong(), new AtomicLong(), new AtomicLong() };

	private long lastWarningMillis;

	/**
	 * Creates a log with no evictions.
	 * @param maxBytes the store's byte bound, for the warning
	 */
	EvictionLog(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Counts one evicted event, and warns when the byte bound evicted it and the
	 * last warning is a minute old.
	 * @param reason why it was evicted
	 * @param now the store's time, in milliseconds
	 */
	void evicted(EvictionReason reason, long now) {
		this.counts[reason.ordinal()].incrementAndGet();
		if (reason == EvictionReason.BYTES && now - this.lastWarningMillis >= WARNING_INTERVAL_MILLIS) {
			this.lastWarningMillis = now;
			logger.warn("Replay store holds its maximum of {} bytes (sse.replay.store.max-bytes); the oldest events "
					+ "are being removed, and clients that resume from them will get a resync", this.maxBytes);
		}
	}

	/**
	 * Returns how many events were evicted for a reason.
	 */
	long count(EvictionReason reason) {
		return this.counts[reason.ordinal()].get();
	}

}
