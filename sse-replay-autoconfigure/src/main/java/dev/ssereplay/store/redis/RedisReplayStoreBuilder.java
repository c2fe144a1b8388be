package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.Objects;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Builds a {@link RedisReplayStore}: each setting by name, so that two cannot be
 * swapped by mistake, with the defaults of the {@code sse.replay.*} properties.
 * Every instance of an application must be built with the same key prefix, time
 * to live, most events per stream and pub/sub kind.
 * <p>
 * Not thread-safe; the store it builds is.
 */
public final class RedisReplayStoreBuilder {

	private final LettuceConnectionFactory connectionFactory;

	private String keyPrefix = "sse-replay:";

	private int maxEventsPerStream = 1000;

	private Duration timeToLive = Duration.ofHours(1);

	private Duration commandTimeout = Duration.ofSeconds(2);

	private boolean keepEpochAcrossRestarts;

	private int maxInFlightAppends = RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS;

	private RedisPubSub pubSub = RedisPubSub.AUTO;

	RedisReplayStoreBuilder(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
	}

	/**
	 * Sets what every key and channel name starts with, {@code sse-replay:} by
	 * default.
	 * @param keyPrefix the prefix; no curly braces, which would change the Redis
	 * Cluster hash tag
	 * @return this builder
	 */
	public RedisReplayStoreBuilder keyPrefix(String keyPrefix) {
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
		return this;
	}

	/**
	 * Sets the most events kept per stream, 1,000 by default.
	 * @param maxEventsPerStream the bound, positive
	 * @return this builder
	 */
	public RedisReplayStoreBuilder maxEventsPerStream(int maxEventsPerStream) {
		this.maxEventsPerStream = maxEventsPerStream;
		return this;
	}

	/**
	 * Sets how long an event is kept, an hour by default.
	 * @param timeToLive at least a millisecond
	 * @return this builder
	 */
	public RedisReplayStoreBuilder timeToLive(Duration timeToLive) {
		this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
		return this;
	}

	/**
	 * Sets how long a command may take before it fails, 2 s by default.
	 * @param commandTimeout positive
	 * @return this builder
	 */
	public RedisReplayStoreBuilder commandTimeout(Duration commandTimeout) {
		this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
		return this;
	}

	/**
	 * Sets whether a stream keeps its epoch when the Redis server restarts or
	 * another one takes over, {@code false} by default. Safe only when Redis never
	 * loses a write it acknowledged: otherwise sequence numbers of lost events
	 * would be given again in the same epoch, and clients that saw them would miss
	 * their replacements without being told.
	 * @param keepEpochAcrossRestarts whether to keep it
	 * @return this builder
	 */
	public RedisReplayStoreBuilder keepEpochAcrossRestarts(boolean keepEpochAcrossRestarts) {
		this.keepEpochAcrossRestarts = keepEpochAcrossRestarts;
		return this;
	}

	/**
	 * Sets the most {@link RedisReplayStore#appendAsync} calls not answered yet,
	 * sent to Redis or queued to go with others of their stream,
	 * {@value RedisReplayStore#DEFAULT_MAX_IN_FLIGHT_APPENDS} by default; a call
	 * beyond it waits.
	 * @param maxInFlightAppends positive
	 * @return this builder
	 */
	public RedisReplayStoreBuilder maxInFlightAppends(int maxInFlightAppends) {
		this.maxInFlightAppends = maxInFlightAppends;
		return this;
	}

	/**
	 * Sets how live events travel between instances, {@link RedisPubSub#AUTO} by
	 * default.
	 * @param pubSub the kind of pub/sub
	 * @return this builder
	 */
	public RedisReplayStoreBuilder pubSub(RedisPubSub pubSub) {
		this.pubSub = Objects.requireNonNull(pubSub, "pubSub");
		return this;
	}

	/**
	 * Builds the store. It does not connect until it is first used, and
	 * subscribes to live events when the first listener is added.
	 * @return the store
	 * @throws IllegalArgumentException naming the first setting out of range
	 */
	public RedisReplayStore build() {
		return new RedisReplayStore(this.connectionFactory, this.keyPrefix,
				new RedisStoreSettings(this.maxEventsPerStream, this.timeToLive, this.commandTimeout,
						this.keepEpochAcrossRestarts, this.maxInFlightAppends, this.pubSub));
	}

}
