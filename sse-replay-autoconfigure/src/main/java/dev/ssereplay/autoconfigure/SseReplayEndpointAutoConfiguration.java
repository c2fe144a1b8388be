package dev.ssereplay.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.web.SseReplay;

/**
 * Auto-configuration of the {@code ssereplay} Actuator endpoint, when Actuator
 * is on the class path and the endpoint is available (exposed, and not turned
 * off).
 */
@AutoConfiguration(after = { SseReplayAutoConfiguration.class, SseReplayRedisAutoConfiguration.class })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean({ ReplayStore.class, Broker.class, SseReplay.class })
@ConditionalOnAvailableEndpoint(SseReplayEndpoint.class)
public final class SseReplayEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseReplayEndpoint sseReplayEndpoint(ReplayStore store, Broker broker, SseReplay sseReplay) {
		return new SseReplayEndpoint(store, broker, sseReplay);
	}

}
