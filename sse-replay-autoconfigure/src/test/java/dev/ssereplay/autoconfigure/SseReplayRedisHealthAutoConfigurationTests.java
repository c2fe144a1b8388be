package dev.ssereplay.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.redis.RedisReplayStore;
import dev.ssereplay.store.redis.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseReplayRedisHealthAutoConfiguration}, against a private
 * Redis server.
 */
class SseReplayRedisHealthAutoConfigurationTests {

	private static final String INDICATOR = "sseReplayRedisHealthIndicator";

	private static RedisTestServer redis;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				SseReplayRedisAutoConfiguration.class, SseReplayRedisHealthAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port(), "sse.replay.store.type=redis");

	@BeforeAll
	static void startRedis() {
		redis = RedisTestServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void autoConfiguresHealthIndicatorThatReportsRedis() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RedisReplayStoreHealthIndicator.class).hasBean(INDICATOR);
			Health health = context.getBean(INDICATOR, HealthIndicator.class).health(true);
			assertThat(health).isNotNull();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("keyPrefix", "sse-replay:")
				.containsKeys("listening", "roundTripMillis")
				// auto, decided from the test server's version
				.containsEntry("pubSub", RedisTestServer.shardedPubSubSupported() ? "sharded" : "classic");
		});
	}

	@Test
	void backsOffWhenUserDefinesHealthIndicator() {
		this.contextRunner.withUserConfiguration(UserHealthIndicatorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisReplayStoreHealthIndicator.class);
			assertThat(context.getBean(INDICATOR)).isSameAs(UserHealthIndicatorConfiguration.INDICATOR);
		});
	}

	@Test
	void autoConfiguresHealthIndicatorAsTheSseReplayRedisComponent() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class))
			.run((context) -> {
				HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
				assertThat(registry.getContributor("sseReplayRedis")).isSameAs(context.getBean(INDICATOR));
			});
	}

	@Test
	void backsOffWhenUserDefinesHealthContributor() {
		this.contextRunner.withUserConfiguration(UserHealthContributorConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RedisReplayStoreHealthIndicator.class)
				.hasBean("sseReplayRedisHealthContributor"));
	}

	@Test
	void healthIndicatorReportsDownWhenRedisIsUnreachable() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.port=" + closedPort(), "sse.replay.redis.command-timeout=500ms")
			.run((context) -> {
				Health health = context.getBean(INDICATOR, HealthIndicator.class).health(true);
				assertThat(health).isNotNull();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void doesNotAutoConfigureHealthIndicatorWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.sse-replay.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(RedisReplayStore.class)
				.doesNotHaveBean(RedisReplayStoreHealthIndicator.class));
	}

	@Test
	void doesNotAutoConfigureHealthIndicatorWhenHealthIndicatorsAreDisabledByDefault() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisReplayStoreHealthIndicator.class));
	}

	@Test
	void autoConfiguresHealthIndicatorWhenEnabledAndOthersAreDisabledByDefault() {
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.sse-replay.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(RedisReplayStoreHealthIndicator.class));
	}

	@Test
	void doesNotAutoConfigureHealthIndicatorWithoutHealthSupport() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasSingleBean(RedisReplayStore.class)
				.doesNotHaveBean(RedisReplayStoreHealthIndicator.class));
	}

	@Test
	void doesNotAutoConfigureHealthIndicatorForTheInMemoryStore() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=memory")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisReplayStore.class)
				.doesNotHaveBean(RedisReplayStoreHealthIndicator.class));
	}

	@Test
	void doesNotAutoConfigureHealthIndicatorWhenUserDefinesReplayStore() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RedisReplayStore.class)
				.doesNotHaveBean(RedisReplayStoreHealthIndicator.class));
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		static final HealthIndicator INDICATOR = () -> Health.up().build();

		@Bean
		HealthIndicator sseReplayRedisHealthIndicator() {
			return INDICATOR;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthContributorConfiguration {

		@Bean
		HealthIndicator sseReplayRedisHealthContributor() {
			return () -> Health.up().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		InMemoryReplayStore userStore() {
			return new InMemoryReplayStore(10, 1 << 20, Duration.ofMinutes(1));
		}

	}

}
