package dev.ssereplay.broker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections per key (a remote address, a user), within a limit; a key with no
 * connection takes no memory. Thread-safe.
 */
final class ClientCounts {

	private final Map<String, Integer> counts = new ConcurrentHashMap<>();

	/**
	 * Counts one more connection for a key, unless that would pass the limit.
	 * @param key the key, or {@code null} for none (always allowed, not counted)
	 * @param limit the most connections per key; 0 for none
	 * @return whether the connection is allowed
	 */
	boolean tryAcquire(String key, int limit) {
		if (key == null || limit == 0) {
			return true;
		}
		boolean[] allowed = new boolean[1];
		this.counts.compute(key, (k, count) -> {
			int current = (count != null) ? count : 0;
			allowed[0] = current < limit;
			return allowed[0] ? current + 1 : count;
		});
		return allowed[0];
	}

	/**
	 * Counts one connection less for a key that {@link #tryAcquire} allowed.
	 * @param key the key, or {@code null}
	 * @param limit the limit it was acquired with
	 */
	void release(String key, int limit) {
		if (key == null || limit == 0) {
			return;
		}
		this.counts.computeIfPresent(key, (k, count) -> (count > 1) ? count - 1 : null);
	}

}
