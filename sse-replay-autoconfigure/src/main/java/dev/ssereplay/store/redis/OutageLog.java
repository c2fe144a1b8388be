package dev.ssereplay.store.redis;

import org.slf4j.Logger;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * Logs the start and end of a Redis outage, and once a minute while it lasts,
 * from the store's housekeeping passes: an outage costs a few lines, not one
 * per failed command. Confined to the housekeeping thread.
 */
final class OutageLog {

	private static final long INTERVAL_NANOS = 60_000_000_000L;

	private final Logger logger;

	private long lastLogNanos;

	private boolean logged;

	OutageLog(Logger logger) {
		this.logger = logger;
	}

	/**
	 * Reports one housekeeping pass.
	 * @param outage why Redis could not be reached, or {@code null} when it could
	 */
	void report(StoreUnavailableException outage) {
		if (outage == null) {
			if (this.logged) {
				this.logged = false;
				this.logger.info("Redis replay store reaches Redis again");
			}
			return;
		}
		long now = System.nanoTime();
		if (!this.logged || now - this.lastLogNanos >= INTERVAL_NANOS) {
			this.logged = true;
			this.lastLogNanos = now;
			this.logger.warn("Redis replay store cannot reach Redis; publishing fails and subscribers wait: {}",
					outage.getMessage());
		}
	}

}
