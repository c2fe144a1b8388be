package dev.ssereplay.autoconfigure;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

import dev.ssereplay.web.jetty.JettyResponseBuffers;

/**
 * Auto-configuration of what sse-replay does with Jetty, from
 * {@code sse.replay.jetty.*}: each response's output buffer, applied through
 * {@link JettyResponseBuffers}, and the connectors' accept queue; nothing
 * changes unless one of those properties is set.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ JettyServletWebServerFactory.class, Server.class })
@EnableConfigurationProperties(SseReplayProperties.class)
public final class SseReplayJettyAutoConfiguration {

	static final String RESPONSE_BUFFER_PROPERTY = "sse.replay.jetty.response-buffer";

	static final String RESPONSE_AGGREGATION_PROPERTY = "sse.replay.jetty.response-aggregation";

	@Bean
	@ConditionalOnMissingBean(name = "sseReplayJettyBuffers")
	JettyBuffersCustomizer sseReplayJettyBuffers(SseReplayProperties properties) {
		return new JettyBuffersCustomizer(properties.getJetty());
	}

	/**
	 * Applies {@code sse.replay.jetty.*} to the server factory, through a server
	 * customizer that sizes the HTTP configuration of every connector.
	 */
	static final class JettyBuffersCustomizer implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {

		private final SseReplayJettyProperties jetty;

		JettyBuffersCustomizer(SseReplayJettyProperties jetty) {
			this.jetty = jetty;
		}

		@Override
		public void customize(JettyServletWebServerFactory factory) {
			if (!this.jetty.isSet()) {
				return;
			}
			JettyResponseBuffers buffers = responseBuffers();
			factory.addServerCustomizers(buffers::applyTo);
			Integer acceptQueueSize = this.jetty.getAcceptQueueSize();
			if (acceptQueueSize != null) {
				factory.addServerCustomizers((server) -> acceptQueueSize(server, acceptQueueSize));
			}
		}

		private static void acceptQueueSize(Server server, int size) {
			for (Connector connector : server.getConnectors()) {
				if (connector instanceof ServerConnector network) {
					network.setAcceptQueueSize(size);
				}
			}
		}

		JettyResponseBuffers responseBuffers() {
			DataSize buffer = this.jetty.getResponseBuffer();
			DataSize aggregation = this.jetty.getResponseAggregation();
			long bufferBytes = (buffer != null) ? buffer.toBytes() : new HttpConfiguration().getOutputBufferSize();
			if (aggregation != null && aggregation.toBytes() > bufferBytes) {
				throw new IllegalArgumentException(RESPONSE_AGGREGATION_PROPERTY + " is '" + aggregation
						+ "', larger than the response buffer (" + DataSize.ofBytes(bufferBytes) + ", "
						+ RESPONSE_BUFFER_PROPERTY + "); lower it or raise the buffer");
			}
			return new JettyResponseBuffers((buffer != null) ? (int) buffer.toBytes() : -1,
					(aggregation != null) ? (int) aggregation.toBytes() : -1);
		}

	}

}
