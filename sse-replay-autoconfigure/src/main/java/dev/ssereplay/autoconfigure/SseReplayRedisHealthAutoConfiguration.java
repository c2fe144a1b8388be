package dev.ssereplay.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.ssereplay.store.redis.RedisReplayStore;

/**
 * Auto-configuration of the {@code sseReplayRedis} health component, which
 * reports whether the Redis replay store reaches Redis. Applies when that store
 * is in use and Spring Boot's health support is on the class path;
 * {@code management.health.sse-replay.enabled=false} turns it off.
 */
@AutoConfiguration(after = SseReplayRedisAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(RedisReplayStore.class)
@ConditionalOnEnabledHealthIndicator("sse-replay")
public final class SseReplayRedisHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "sseReplayRedisHealthIndicator", "sseReplayRedisHealthContributor" })
	RedisReplayStoreHealthIndicator sseReplayRedisHealthIndicator(RedisReplayStore store) {
		return new RedisReplayStoreHealthIndicator(store);
	}

}
