package dev.ssereplay.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.metrics.SseReplayMetrics;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.web.SseReplay;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseReplayMetricsAutoConfiguration}.
 */
class SseReplayMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(SseReplayAutoConfiguration.class, SseReplayMetricsAutoConfiguration.class));

	@Test
	void autoConfiguresMetrics() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SseReplayMetrics.class));
	}

	@Test
	void backsOffWhenUserDefinesMetrics() {
		this.contextRunner.withUserConfiguration(UserMetricsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SseReplayMetrics.class);
			assertThat(context).getBean(SseReplayMetrics.class).isSameAs(context.getBean("userMetrics"));
		});
	}

	@Test
	void bindsMetersToTheApplicationsMeterRegistry() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(SseReplay.class).publish("orders", "x");
				assertThat(registry.get("sse.replay.events.published").functionCounter().count()).isEqualTo(1);
				assertThat(registry.get("sse.replay.store.events").gauge().value()).isEqualTo(1);
				assertThat(registry.get("sse.replay.connections").gauge().value()).isZero();
				assertThat(registry.get("sse.replay.events.dropped").tag("policy", "close").functionCounter().count())
					.isZero();
				assertThat(registry.find("sse.replay.resyncs").functionCounters()).hasSize(6);
				assertThat(registry.get("sse.replay.listener.notifications.dropped").functionCounter().count())
					.isZero();
			});
	}

	@Test
	void doesNotAutoConfigureMetricsWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).hasSingleBean(SseReplay.class);
			assertThat(context).doesNotHaveBean(SseReplayMetrics.class);
		});
	}

	@Test
	void doesNotAutoConfigureMetricsWithoutABroker() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SseEmitter.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Broker.class)
				.doesNotHaveBean(SseReplayMetrics.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		SseReplayMetrics userMetrics(Broker broker, ReplayStore store) {
			return new SseReplayMetrics(broker, store);
		}

	}

}
