package dev.ssereplay.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

import org.apache.coyote.http11.Http11Nio2Protocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import dev.ssereplay.autoconfigure.SseReplayTomcatAutoConfiguration.IncompatibleTomcatProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link SseReplayTomcatFailureAnalyzer}, on the failure of a real
 * startup.
 */
class SseReplayTomcatFailureAnalyzerTests {

	private static final String NIO2 = Http11Nio2Protocol.class.getName();

	@Test
	void analyzesAResponseBufferOnAServerWithAnotherProtocol() {
		Throwable failure = startup("sse.replay.tomcat.response-buffer=2KB");
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new SseReplayTomcatFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("sse.replay.tomcat.response-buffer is set to '2048B'")
			.contains(TomcatServletWebServerFactory.DEFAULT_PROTOCOL)
			.contains(NIO2);
		assertThat(analysis.getAction()).contains("Remove sse.replay.tomcat.response-buffer").contains(NIO2);
		assertThat(analysis.getCause()).isInstanceOf(IncompatibleTomcatProtocolException.class);
	}

	@Test
	void doesNotAnalyzeOtherFailures() {
		assertThat(new SseReplayTomcatFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
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
		assertThat(analyzers).contains(SseReplayTomcatFailureAnalyzer.class.getName());
	}

	private static Throwable startup(String... properties) {
		return catchThrowable(() -> new SpringApplicationBuilder(Nio2Application.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run()
			.close());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, SseReplayTomcatAutoConfiguration.class })
	static class Nio2Application {

		@Bean
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> nio2Protocol() {
			return (factory) -> factory.setProtocol(NIO2);
		}

	}

}
