package dev.ssereplay.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.metrics.SseReplayMetrics;
import dev.ssereplay.store.ReplayStore;

/**
 * Auto-configuration of sse-replay's Micrometer meters, bound to every
 * {@link MeterRegistry} by Spring Boot's metrics support.
 */
@AutoConfiguration(after = SseReplayAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ Broker.class, ReplayStore.class })
public final class SseReplayMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseReplayMetrics sseReplayMetrics(Broker broker, ReplayStore store) {
		return new SseReplayMetrics(broker, store);
	}

}
