package dev.ssereplay.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.broker.ElasticWriterPool;
import dev.ssereplay.broker.SlowConnectionPolicy;
import dev.ssereplay.event.JacksonPayloadSerializer;
import dev.ssereplay.event.PayloadSerializer;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.SseReplayExceptionHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseReplayAutoConfiguration}.
 */
class SseReplayAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseReplayAutoConfiguration.class));

	@Test
	void autoConfiguresTheInMemoryStoreBrokerAndEntryPoint() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryReplayStore.class);
			assertThat(context).hasSingleBean(Broker.class);
			assertThat(context).hasSingleBean(SseReplay.class);
			assertThat(context).hasSingleBean(SseReplayExceptionHandler.class);
			assertThat(context).hasSingleBean(ElasticWriterPool.class);
			assertThat(context).hasSingleBean(SseReplayLifecycle.class);
			assertThat(context.getBean(Broker.class).options()).isEqualTo(BrokerOptions.defaults());
		});
	}

	@Test
	void backsOffWhenUserDefinesAStore() {
		this.contextRunner.withUserConfiguration(CustomStore.class).run((context) -> {
			assertThat(context).hasSingleBean(ReplayStore.class);
			assertThat(context.getBean(ReplayStore.class)).isSameAs(context.getBean("customStore"));
		});
	}

	@Test
	void backsOffWhenUserDefinesABroker() {
		this.contextRunner.withUserConfiguration(CustomBroker.class).run((context) -> {
			assertThat(context).hasSingleBean(Broker.class);
			assertThat(context.getBean(Broker.class).options().queueDepth()).isEqualTo(7);
		});
	}

	@Test
	void backsOffWhenUserDefinesTheEntryPoint() {
		this.contextRunner.withUserConfiguration(CustomEntryPoint.class)
			.run((context) -> assertThat(context.getBean(SseReplay.class)).isSameAs(context.getBean("custom")));
	}

	@Test
	void backsOffWhenUserDefinesTheWriterExecutor() {
		this.contextRunner.withUserConfiguration(CustomWriters.class).run((context) -> {
			assertThat(context).doesNotHaveBean(ElasticWriterPool.class);
			assertThat(context.getBean(SseReplayAutoConfiguration.WRITER_EXECUTOR_BEAN_NAME))
				.isSameAs(CustomWriters.EXECUTOR);
		});
	}

	@Test
	void usesTheApplicationsJsonMapperForPayloads() {
		this.contextRunner.withBean(tools.jackson.databind.json.JsonMapper.class,
				() -> tools.jackson.databind.json.JsonMapper.builder().build())
			.run((context) -> assertThat(context).hasSingleBean(JacksonPayloadSerializer.class));
	}

	@Test
	void backsOffWhenUserDefinesAPayloadSerializer() {
		this.contextRunner.withBean(PayloadSerializer.class, () -> String::valueOf)
			.withBean(tools.jackson.databind.json.JsonMapper.class,
					() -> tools.jackson.databind.json.JsonMapper.builder().build())
			.run((context) -> assertThat(context).doesNotHaveBean(JacksonPayloadSerializer.class));
	}

	@Test
	void noPayloadSerializerWithoutJackson() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.run((context) -> {
				assertThat(context).hasSingleBean(SseReplay.class);
				assertThat(context).doesNotHaveBean(PayloadSerializer.class);
			});
	}

	@Test
	void nothingOutsideAServletWebApplication() {
		new org.springframework.boot.test.context.runner.ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseReplayAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseReplay.class));
	}

	@Test
	void nothingWithoutSpringMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SseEmitter.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseReplay.class));
	}

	@Test
	void bindsEveryProperty() {
		this.contextRunner
			.withPropertyValues("sse.replay.store.max-events-per-stream=50", "sse.replay.store.max-bytes=2MB",
					"sse.replay.store.time-to-live=90s", "sse.replay.connection.queue-depth=12",
					"sse.replay.connection.slow-policy=drop", "sse.replay.connection.replay-batch-size=20",
					"sse.replay.connection.close-grace=750ms",
					"sse.replay.heartbeat.interval=0", "sse.replay.retry=750ms", "sse.replay.resync-event=reload",
					"sse.replay.max-connections=42", "sse.replay.max-connections-per-address=4",
					"sse.replay.max-connections-per-principal=3", "sse.replay.max-event-size=1KB",
					"sse.replay.connection-timeout=5m", "sse.replay.writer.threads=3",
					"sse.replay.writer.stall-threshold=2s", "sse.replay.writer.max-extra-threads=9",
					"sse.replay.listener.queue-depth=30")
			.run((context) -> {
				SseReplayProperties properties = context.getBean(SseReplayProperties.class);
				assertThat(properties.getStore().getMaxEventsPerStream()).isEqualTo(50);
				assertThat(properties.getStore().getMaxBytes().toMegabytes()).isEqualTo(2);
				assertThat(properties.getStore().getTimeToLive()).isEqualTo(Duration.ofSeconds(90));
				assertThat(properties.getMaxEventSize().toBytes()).isEqualTo(1024);
				assertThat(properties.getConnectionTimeout()).isEqualTo(Duration.ofMinutes(5));
				assertThat(properties.getConnection().getCloseGrace()).isEqualTo(Duration.ofMillis(750));
				assertThat(properties.getWriter().getMaxExtraThreads()).isEqualTo(9);
				assertThat(context.getBean(Broker.class).options()).isEqualTo(BrokerOptions.builder()
					.queueDepth(12)
					.slowPolicy(SlowConnectionPolicy.DROP)
					.heartbeatInterval(Duration.ZERO)
					.retry(Duration.ofMillis(750))
					.resyncEventName("reload")
					.maxConnections(42)
					.maxConnectionsPerAddress(4)
					.maxConnectionsPerPrincipal(3)
					.replayBatchSize(20)
					.stallThreshold(Duration.ofSeconds(2))
					.listenerQueueDepth(30)
					.build());
				assertThat(context.getBean(ElasticWriterPool.class).poolSize()).isEqualTo(3);
			});
	}

	@Test
	void bindsTheFormerNamesOfThePerConnectionProperties() {
		this.contextRunner
			.withPropertyValues("sse.replay.subscriber.queue-depth=12", "sse.replay.subscriber.slow-policy=drop",
					"sse.replay.subscriber.replay-batch-size=20")
			.run((context) -> {
				BrokerOptions options = context.getBean(Broker.class).options();
				assertThat(options.queueDepth()).isEqualTo(12);
				assertThat(options.slowPolicy()).isEqualTo(SlowConnectionPolicy.DROP);
				assertThat(options.replayBatchSize()).isEqualTo(20);
			});
	}

	@Test
	void failsClearlyOnANegativeQueueDepth() {
		this.contextRunner.withPropertyValues("sse.replay.connection.queue-depth=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.connection.queue-depth must be positive, was 0");
		});
	}

	@Test
	void failsClearlyOnAnUnknownSlowPolicy() {
		this.contextRunner.withPropertyValues("sse.replay.connection.slow-policy=ignore").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Failed to bind properties under 'sse.replay.connection.slow-policy'");
		});
	}

	@Test
	void failsClearlyOnAResyncEventWithALineBreak() {
		this.contextRunner.withPropertyValues("sse.replay.resync-event=a\nb").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("must not contain LF");
		});
	}

	@Test
	void failsClearlyOnANegativeHeartbeat() {
		this.contextRunner.withPropertyValues("sse.replay.heartbeat.interval=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.heartbeat.interval must be zero or positive");
		});
	}

	@Test
	void failsClearlyOnANegativeCloseGrace() {
		this.contextRunner.withPropertyValues("sse.replay.connection.close-grace=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.connection.close-grace must be zero or positive");
		});
	}

	@Test
	void failsClearlyOnAZeroTimeToLive() {
		this.contextRunner.withPropertyValues("sse.replay.store.time-to-live=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.store.time-to-live must be positive");
		});
	}

	@Test
	void usesVirtualThreadsForWritersWhenEnabledOnJava21() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			Object writers = context.getBean(SseReplayAutoConfiguration.WRITER_EXECUTOR_BEAN_NAME);
			if (Runtime.version().feature() >= 21) {
				assertThat(writers).isInstanceOf(VirtualThreadTaskExecutor.class);
			}
			else {
				assertThat(writers).isInstanceOf(ElasticWriterPool.class);
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomStore {

		@Bean
		InMemoryReplayStore customStore() {
			return new InMemoryReplayStore(3, 1024, Duration.ofSeconds(5));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomBroker {

		@Bean(destroyMethod = "close")
		Broker customBroker(ReplayStore store) {
			return new Broker(store, BrokerOptions.builder().queueDepth(7).build(), Runnable::run);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEntryPoint {

		@Bean
		SseReplay custom(ReplayStore store, Broker broker) {
			return new SseReplay(broker, null, Duration.ZERO, 10);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomWriters {

		static final Executor EXECUTOR = Runnable::run;

		@Bean(SseReplayAutoConfiguration.WRITER_EXECUTOR_BEAN_NAME)
		Executor customWriters() {
			return EXECUTOR;
		}

	}

}
