package dev.ssereplay.store.redis;

import java.time.Duration;

/**
 * The settings of a {@link RedisReplayStore} besides its connection and key
 * prefix, checked once where they enter, so that the parts of the store never
 * see an invalid one. See the store's constructor for what each means.
 * <p>
 * Immutable, and so thread-safe.
 *
 * @param maxEventsPerStream the most events kept per stream, positive
 * @param timeToLive how long an event is kept, at least a millisecond
 * @param commandTimeout how long a command may take before it fails, positive
 * @param keepEpochAcrossRestarts whether a stream keeps its epoch when the
 * Redis server restarts or another one takes over
 * @param maxInFlightAppends the most asynchronous appends sent to Redis and not
 * answered yet, positive
 * @param pubSub how live events travel between instances
 */
record RedisStoreSettings(int maxEventsPerStream, Duration timeToLive, Duration commandTimeout,
		boolean keepEpochAcrossRestarts, int maxInFlightAppends, RedisPubSub pubSub) {

	/**
	 * Checks the settings.
	 * @throws IllegalArgumentException naming the first setting out of range and
	 * its value
	 */
	RedisStoreSettings {
		if (maxEventsPerStream < 1) {
			throw new IllegalArgumentException("maxEventsPerStream must be positive, was " + maxEventsPerStream);
		}
		if (timeToLive.toMillis() < 1) {
			throw new IllegalArgumentException("timeToLive must be at least a millisecond, was " + timeToLive);
		}
		if (commandTimeout.isNegative() || commandTimeout.isZero()) {
			throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
		}
		if (maxInFlightAppends < 1) {
			throw new IllegalArgumentException("maxInFlightAppends must be positive, was " + maxInFlightAppends);
		}
	}

}
