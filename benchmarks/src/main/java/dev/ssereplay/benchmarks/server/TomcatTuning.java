package dev.ssereplay.benchmarks.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Tomcat settings that Spring Boot has no property for: the size of the read and
 * write buffers each connection's socket wrapper allocates (8 KB each by default).
 * An idle event-stream connection keeps them for its whole life.
 * <p>
 * {@code bench.tomcat.socket-read-buffer} and
 * {@code bench.tomcat.socket-write-buffer} set them; unset, Tomcat's defaults
 * stay. They become the connector properties {@code socket.appReadBufSize} and
 * {@code socket.appWriteBufSize}.
 */
@Configuration(proxyBeanMethods = false)
public final class TomcatTuning {

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> benchmarkSocketBuffers(
			@Value("${bench.tomcat.socket-read-buffer:}") String readBuffer,
			@Value("${bench.tomcat.socket-write-buffer:}") String writeBuffer) {
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			if (!readBuffer.isEmpty()) {
				connector.setProperty("socket.appReadBufSize", bytes(readBuffer));
			}
			if (!writeBuffer.isEmpty()) {
				connector.setProperty("socket.appWriteBufSize", bytes(writeBuffer));
			}
		});
	}

	private static String bytes(String size) {
		return Long.toString(DataSize.parse(size).toBytes());
	}

}
