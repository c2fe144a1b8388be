package dev.ssereplay.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.store.redis.RedisReplayStore;
import dev.ssereplay.store.redis.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseReplayRedisAutoConfiguration}, against a private Redis
 * server.
 */
class SseReplayRedisAutoConfigurationTests {

	private static RedisTestServer redis;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, SseReplayRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port());

	@BeforeAll
	static void startRedis() {
		redis = RedisTestServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void autoConfiguresRedisStoreWhenTheStoreTypeIsRedis() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis").run((context) -> {
			assertThat(context).hasSingleBean(RedisReplayStore.class);
			assertThat(context.getBean(RedisReplayStore.class).keyPrefix()).isEqualTo("sse-replay:");
		});
	}

	@Test
	void doesNotConfigureRedisStoreByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ReplayStore.class));
	}

	@Test
	void doesNotConfigureRedisStoreForTheMemoryType() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=memory")
			.run((context) -> assertThat(context).doesNotHaveBean(ReplayStore.class));
	}

	@Test
	void backsOffWhenUserDefinesReplayStore() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis")
			.withUserConfiguration(UserStoreConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ReplayStore.class).doesNotHaveBean(RedisReplayStore.class);
				assertThat(context).getBean(ReplayStore.class).isSameAs(context.getBean("userStore"));
			});
	}

	@Test
	void appliesStoreAndRedisProperties() {
		this.contextRunner
			.withPropertyValues("sse.replay.store.type=redis", "sse.replay.redis.key-prefix=custom:",
					"sse.replay.store.max-events-per-stream=2")
			.run((context) -> {
				RedisReplayStore store = context.getBean(RedisReplayStore.class);
				assertThat(store.keyPrefix()).isEqualTo("custom:");
				EventId start = store.head("bounded");
				for (int i = 0; i < 3; i++) {
					store.append("bounded", SseEvent.of("event " + i));
				}
				assertThat(store.readAfter("bounded", start, 10)).isInstanceOf(ReadResult.CannotServe.class)
					.extracting((result) -> ((ReadResult.CannotServe) result).reason())
					.isEqualTo(ResyncReason.EVICTED);
				assertThat(redis.command("EXISTS", "custom:{bounded}:log")).isEqualTo(":1");
			});
	}

	@Test
	void startsANewEpochAfterARedisRestartByDefault() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis").run((context) -> {
			RedisReplayStore store = context.getBean(RedisReplayStore.class);
			store.head("default");
			assertThat(redis.command("HGET", "sse-replay:{default}:meta", "server")).startsWith("$40");
		});
	}

	@Test
	void keepsEpochsAcrossRestartsWhenTold() {
		this.contextRunner
			.withPropertyValues("sse.replay.store.type=redis", "sse.replay.redis.keep-epoch-across-restarts=true")
			.run((context) -> {
				RedisReplayStore store = context.getBean(RedisReplayStore.class);
				store.head("kept");
				assertThat(redis.command("HGET", "sse-replay:{kept}:meta", "server")).isEqualTo("$0");
			});
	}

	@Test
	void failsWithAnalyzedMessageWhenRedisSupportIsMissing() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("sse.replay.store.type is 'redis'")
					.hasMessageContaining("Spring Data Redis");
				FailureAnalysis analysis = new SseReplayRedisFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("sse.replay.store.type");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
					.contains("sse.replay.store.type");
			});
	}

	@Test
	void backsOffWhenRedisSupportIsMissingAndUserDefinesReplayStore() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"))
			.withUserConfiguration(UserStoreConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ReplayStore.class));
	}

	@Test
	void failureAnalyzerIsRegistered() throws IOException {
		List<String> analyzers = new ArrayList<>();
		Enumeration<URL> factories = getClass().getClassLoader().getResources("META-INF/spring.factories");
		while (factories.hasMoreElements()) {
			Properties properties = PropertiesLoaderUtils.loadProperties(new UrlResource(factories.nextElement()));
			String names = properties.getProperty(FailureAnalyzer.class.getName());
			if (names != null) {
				analyzers.addAll(List.of(names.split(",")));
			}
		}
		assertThat(analyzers).contains(SseReplayRedisFailureAnalyzer.class.getName());
	}

	@Test
	void failsOnKeyPrefixWithBraces() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis", "sse.replay.redis.key-prefix=app{1}:")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("sse.replay.redis.key-prefix")
					.hasMessageContaining("'app{1}:'");
			});
	}

	@Test
	void failsOnZeroCommandTimeout() {
		this.contextRunner.withPropertyValues("sse.replay.store.type=redis", "sse.replay.redis.command-timeout=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("sse.replay.redis.command-timeout");
			});
	}

	@Test
	void brokerUsesRedisStoreAndNoMemoryStoreIsCreated() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					SseReplayRedisAutoConfiguration.class, SseReplayAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "sse.replay.store.type=redis")
			.run((context) -> {
				assertThat(context).hasSingleBean(Broker.class)
					.hasSingleBean(ReplayStore.class)
					.doesNotHaveBean(InMemoryReplayStore.class);
				assertThat(context.getBean(ReplayStore.class)).isInstanceOf(RedisReplayStore.class);
				RedisReplayStore store = context.getBean(RedisReplayStore.class);
				assertThat(store.isListening()).isTrue();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		InMemoryReplayStore userStore() {
			return new InMemoryReplayStore(10, 1 << 20, Duration.ofMinutes(1));
		}

	}

}
