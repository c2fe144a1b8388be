package dev.ssereplay.autoconfigure;

import java.time.Duration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.redis.RedisReplayStore;

/**
 * Auto-configuration of the Redis replay store, chosen with
 * {@code sse.replay.store.type=redis}: every instance of the application shares
 * one history and one live fan-out through the Redis that
 * {@code spring.data.redis.*} configures. Needs Spring Data Redis with the
 * Lettuce client; without it, startup fails with a message that says so.
 */
@AutoConfiguration(before = SseReplayAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnProperty(name = "sse.replay.store.type", havingValue = "redis")
@EnableConfigurationProperties({ SseReplayProperties.class, SseReplayRedisProperties.class })
public final class SseReplayRedisAutoConfiguration {

	static final String STORE_TYPE_PROPERTY = "sse.replay.store.type";

	// Ordered first among the member classes, so that its store is registered
	// before the health configuration looks for it.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceConnectionFactory.class, io.lettuce.core.RedisClient.class })
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static class RedisStoreConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(ReplayStore.class)
		RedisReplayStore sseReplayStore(RedisConnectionFactory connectionFactory, SseReplayProperties properties,
				SseReplayRedisProperties redis) {
			if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
				throw new RedisStoreSetupException(STORE_TYPE_PROPERTY + " is 'redis', and the replay store needs the "
						+ "Lettuce client, but the RedisConnectionFactory is a " + connectionFactory.getClass().getName()
						+ ".", "Set spring.data.redis.client-type to 'lettuce' and put io.lettuce:lettuce-core on the "
								+ "class path, or set " + STORE_TYPE_PROPERTY + " to 'memory'.");
			}
			SseReplayProperties.Store store = properties.getStore();
			return new RedisReplayStore(lettuce, redis.getKeyPrefix(), store.getMaxEventsPerStream(),
					store.getTimeToLive(), redis.getCommandTimeout(), redis.isKeepEpochAcrossRestarts());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnBean(RedisReplayStore.class)
	@ConditionalOnEnabledHealthIndicator("sse-replay")
	static class RedisStoreHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sseReplayRedisHealthIndicator")
		RedisStoreHealthIndicator sseReplayRedisHealthIndicator(RedisReplayStore store) {
			return new RedisStoreHealthIndicator(store);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass({ "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
			"io.lettuce.core.RedisClient" })
	static class RedisMissingConfiguration {

		// Fails at startup, with a failure analysis, rather than leaving the broker
		// without a store or quietly keeping history in memory.
		@Bean
		@ConditionalOnMissingBean(ReplayStore.class)
		ReplayStore sseReplayStore() {
			throw new RedisStoreSetupException(
					STORE_TYPE_PROPERTY + " is 'redis', but Spring Data Redis with the Lettuce client is not on the "
							+ "class path.",
					"Add org.springframework.boot:spring-boot-starter-data-redis to the application's dependencies, "
							+ "or set " + STORE_TYPE_PROPERTY + " to 'memory' to keep history in this process.");
		}

	}

	/**
	 * Reports whether the replay store reaches Redis, with the round trip time and
	 * whether it receives live events. Live events still arrive without the
	 * subscription, from the history within about two seconds, so a store that
	 * reaches Redis is up.
	 */
	static final class RedisStoreHealthIndicator extends AbstractHealthIndicator {

		private final RedisReplayStore store;

		RedisStoreHealthIndicator(RedisReplayStore store) {
			super("Redis replay store health check failed");
			this.store = store;
		}

		@Override
		protected void doHealthCheck(Health.Builder builder) {
			builder.withDetail("keyPrefix", this.store.keyPrefix()).withDetail("listening", this.store.isListening());
			Duration roundTrip = this.store.ping();
			builder.up().withDetail("roundTripMillis", roundTrip.toNanos() / 1_000_000.0);
		}

	}

	/**
	 * Thrown at startup when the Redis store is chosen but cannot be set up; the
	 * failure analyzer reports its description and action.
	 */
	static final class RedisStoreSetupException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		private final String action;

		RedisStoreSetupException(String description, String action) {
			super(description);
			this.action = action;
		}

		String action() {
			return this.action;
		}

	}

}
