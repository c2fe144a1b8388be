package dev.ssereplay.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.ssereplay.store.redis.RedisReplayStore;

/**
 * Reports whether the replay store reaches Redis, with the round trip time,
 * whether it receives live events, and the kind of pub/sub it uses. Live events still arrive without the
 * subscription, from the history within about two seconds, so a store that
 * reaches Redis is up.
 */
final class RedisReplayStoreHealthIndicator extends AbstractHealthIndicator {

	private final RedisReplayStore store;

	RedisReplayStoreHealthIndicator(RedisReplayStore store) {
		super("Redis replay store health check failed");
		this.store = store;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("keyPrefix", this.store.keyPrefix()).withDetail("listening", this.store.isListening());
		Duration roundTrip = this.store.ping();
		builder.up()
			.withDetail("roundTripMillis", roundTrip.toNanos() / 1_000_000.0)
			.withDetail("pubSub", this.store.pubSub().name().toLowerCase(Locale.ROOT));
	}

}
