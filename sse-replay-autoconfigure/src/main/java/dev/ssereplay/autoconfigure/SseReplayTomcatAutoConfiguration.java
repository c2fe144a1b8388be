package dev.ssereplay.autoconfigure;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.Http11NioProtocol;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

import dev.ssereplay.web.SocketCloser;
import dev.ssereplay.web.tomcat.SizedResponseBufferProtocol;
import dev.ssereplay.web.tomcat.TomcatSocketCloser;

/**
 * Auto-configuration of what sse-replay does with Tomcat: the
 * {@link TomcatSocketCloser} that applies
 * {@code sse.replay.connection.close-grace}, and the embedded Tomcat's
 * per-connection buffers from {@code sse.replay.tomcat.*}, which change nothing
 * unless one of those properties is set. {@code sse.replay.tomcat.response-buffer}
 * runs Tomcat's default protocol as {@link SizedResponseBufferProtocol}; with
 * another protocol, startup fails with a failure analysis.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ TomcatServletWebServerFactory.class, Http11NioProtocol.class })
@EnableConfigurationProperties(SseReplayProperties.class)
public final class SseReplayTomcatAutoConfiguration {

	static final String RESPONSE_BUFFER_PROPERTY = "sse.replay.tomcat.response-buffer";

	@Bean
	@ConditionalOnMissingBean(SocketCloser.class)
	TomcatSocketCloser sseReplaySocketCloser(SseReplayProperties properties) {
		return new TomcatSocketCloser(properties.getConnection().getCloseGrace());
	}

	@Bean
	@ConditionalOnMissingBean(name = "sseReplayTomcatBuffers")
	TomcatBuffersCustomizer sseReplayTomcatBuffers(SseReplayProperties properties) {
		return new TomcatBuffersCustomizer(properties.getTomcat());
	}

	/**
	 * Applies {@code sse.replay.tomcat.*} to the server factory and, through a
	 * connector customizer, to its connector.
	 */
	static final class TomcatBuffersCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

		private final SseReplayTomcatProperties tomcat;

		TomcatBuffersCustomizer(SseReplayTomcatProperties tomcat) {
			this.tomcat = tomcat;
		}

		@Override
		public void customize(TomcatServletWebServerFactory factory) {
			if (!this.tomcat.isSet()) {
				return;
			}
			DataSize responseBuffer = this.tomcat.getResponseBuffer();
			if (responseBuffer != null) {
				String protocol = factory.getProtocol();
				if (!TomcatServletWebServerFactory.DEFAULT_PROTOCOL.equals(protocol)
						&& !SizedResponseBufferProtocol.class.getName().equals(protocol)) {
					throw new IncompatibleTomcatProtocolException(responseBuffer, protocol);
				}
				factory.setProtocol(SizedResponseBufferProtocol.class.getName());
			}
			factory.addConnectorCustomizers(this::customize);
		}

		private void customize(Connector connector) {
			DataSize readBuffer = this.tomcat.getSocketReadBuffer();
			if (readBuffer != null) {
				connector.setProperty("socket.appReadBufSize", Long.toString(readBuffer.toBytes()));
			}
			DataSize writeBuffer = this.tomcat.getSocketWriteBuffer();
			if (writeBuffer != null) {
				connector.setProperty("socket.appWriteBufSize", Long.toString(writeBuffer.toBytes()));
			}
			DataSize responseBuffer = this.tomcat.getResponseBuffer();
			if (responseBuffer != null) {
				// Another customizer can set a protocol after this one has set its own.
				ProtocolHandler handler = connector.getProtocolHandler();
				if (!(handler instanceof SizedResponseBufferProtocol sized)) {
					throw new IncompatibleTomcatProtocolException(responseBuffer, handler.getClass().getName());
				}
				sized.setResponseBufferSize((int) responseBuffer.toBytes());
			}
		}

	}

	/**
	 * Thrown at startup when {@code sse.replay.tomcat.response-buffer} is set and
	 * the server uses a protocol other than Tomcat's default; the failure analyzer
	 * reports its description and action.
	 */
	static final class IncompatibleTomcatProtocolException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		private final String protocol;

		IncompatibleTomcatProtocolException(DataSize responseBuffer, String protocol) {
			super(RESPONSE_BUFFER_PROPERTY + " is set to '" + responseBuffer + "', which needs Tomcat's default "
					+ "protocol " + TomcatServletWebServerFactory.DEFAULT_PROTOCOL + ", but the server is set up with "
					+ protocol + ".");
			this.protocol = protocol;
		}

		String action() {
			return "Remove " + RESPONSE_BUFFER_PROPERTY + " to keep " + this.protocol + ", or stop setting that "
					+ "protocol on the TomcatServletWebServerFactory so that the server uses Tomcat's default one.";
		}

	}

}
