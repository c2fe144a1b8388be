package dev.ssereplay.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.redis.RedisReplayStore;

/**
 * Auto-configuration of the Redis replay store, chosen with
 * {@code sse.replay.store.type=redis}: every instance of the application shares
 * one history and one live fan-out through the Redis that
 * {@code spring.data.redis.*} configures. Needs Spring Data Redis with the
 * Lettuce client; without it, startup fails with a message that says so. The
 * store's health is reported by {@link SseReplayRedisHealthAutoConfiguration}.
 */
@AutoConfiguration(before = SseReplayAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnProperty(name = "sse.replay.store.type", havingValue = "redis")
@EnableConfigurationProperties({ SseReplayProperties.class, SseReplayRedisProperties.class })
public final class SseReplayRedisAutoConfiguration {

	static final String STORE_TYPE_PROPERTY = "sse.replay.store.type";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceConnectionFactory.class, io.lettuce.core.RedisClient.class })
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
			SseReplayStoreProperties store = properties.getStore();
			return RedisReplayStore.builder(lettuce)
					.keyPrefix(redis.getKeyPrefix())
					.maxEventsPerStream(store.getMaxEventsPerStream())
					.timeToLive(store.getTimeToLive())
					.commandTimeout(redis.getCommandTimeout())
					.keepEpochAcrossRestarts(redis.isKeepEpochAcrossRestarts())
					.maxInFlightAppends(redis.getMaxInFlightAppends())
					.pubSub(redis.getPubSub())
					.build();
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
