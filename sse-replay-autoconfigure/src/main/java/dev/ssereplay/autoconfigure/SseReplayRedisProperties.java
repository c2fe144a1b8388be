package dev.ssereplay.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.ssereplay.store.redis.RedisPubSub;

/**
 * Configuration properties of the Redis replay store, used when
 * {@code sse.replay.store.type} is {@code redis}. The connection itself is the
 * application's, configured with {@code spring.data.redis.*}.
 */
@ConfigurationProperties("sse.replay.redis")
public class SseReplayRedisProperties {

	/**
	 * Prefix of every Redis key and pub/sub channel of the replay store. Instances
	 * that share a prefix share their streams. Must not contain '{' or '}'.
	 */
	private String keyPrefix = "sse-replay:";

	/**
	 * Maximum time to wait for Redis to answer a replay store command; a publish
	 * that takes longer fails with a StoreUnavailableException. Redis counts as
	 * unreachable, and calls fail at once, only when a PING sent after such a
	 * timeout is not answered within this either.
	 */
	private Duration commandTimeout = Duration.ofSeconds(2);

	/**
	 * Maximum number of events published with publishAsync that may await Redis's
	 * answer at once, sent or queued to go with others of their stream; a
	 * publishAsync beyond it waits for one of them.
	 */
	private int maxInFlightAppends = 256;

	/**
	 * Whether streams keep their epoch when the Redis server restarts or fails over.
	 * Enable only when Redis never loses a write it acknowledged (appendfsync
	 * always, no failover to a replica that lags); otherwise every stream starts a
	 * new epoch and its clients get a resync.
	 */
	private boolean keepEpochAcrossRestarts = false;

	/**
	 * How live events travel between instances: 'sharded' (SPUBLISH and
	 * SSUBSCRIBE; on Redis Cluster a message goes to its stream's node only),
	 * 'classic' (PUBLISH and SUBSCRIBE; on Redis Cluster every message goes to
	 * every node), or 'auto', sharded when the Redis servers are 7.0 or later.
	 * Every instance must use the same kind.
	 */
	private RedisPubSub pubSub = RedisPubSub.AUTO;

	public RedisPubSub getPubSub() {
		return this.pubSub;
	}

	public void setPubSub(RedisPubSub pubSub) {
		this.pubSub = pubSub;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		if (keyPrefix == null || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("sse.replay.redis.key-prefix must not contain '{' or '}', was '"
					+ keyPrefix + "': the store puts each stream's name in braces as the Redis Cluster hash tag");
		}
		this.keyPrefix = keyPrefix;
	}

	public boolean isKeepEpochAcrossRestarts() {
		return this.keepEpochAcrossRestarts;
	}

	public void setKeepEpochAcrossRestarts(boolean keepEpochAcrossRestarts) {
		this.keepEpochAcrossRestarts = keepEpochAcrossRestarts;
	}

	public int getMaxInFlightAppends() {
		return this.maxInFlightAppends;
	}

	public void setMaxInFlightAppends(int maxInFlightAppends) {
		SseReplayProperties.requirePositive("sse.replay.redis.max-in-flight-appends", maxInFlightAppends);
		this.maxInFlightAppends = maxInFlightAppends;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		SseReplayProperties.requirePositive("sse.replay.redis.command-timeout", commandTimeout);
		this.commandTimeout = commandTimeout;
	}

}
