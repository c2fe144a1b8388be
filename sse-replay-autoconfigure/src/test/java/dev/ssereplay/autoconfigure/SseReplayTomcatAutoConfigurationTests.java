package dev.ssereplay.autoconfigure;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11Nio2Protocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.ssereplay.autoconfigure.SseReplayTomcatAutoConfiguration.IncompatibleTomcatProtocolException;
import dev.ssereplay.autoconfigure.SseReplayTomcatAutoConfiguration.TomcatBuffersCustomizer;
import dev.ssereplay.web.SocketCloser;
import dev.ssereplay.web.tomcat.SizedResponseBufferProtocol;
import dev.ssereplay.web.tomcat.TomcatSocketCloser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SseReplayTomcatAutoConfiguration}.
 */
class SseReplayTomcatAutoConfigurationTests {

	private static final String NIO2 = Http11Nio2Protocol.class.getName();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseReplayTomcatAutoConfiguration.class));

	@Test
	void autoConfiguresTheBuffersCustomizer() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TomcatBuffersCustomizer.class)
			.hasBean("sseReplayTomcatBuffers"));
	}

	@Test
	void backsOffWhenUserDefinesTheBuffersCustomizer() {
		this.contextRunner.withUserConfiguration(UserCustomizerConfiguration.class)
			.withPropertyValues("sse.replay.tomcat.response-buffer=1KB")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(TomcatBuffersCustomizer.class);
				assertThat(context.getBean("sseReplayTomcatBuffers"))
					.isSameAs(UserCustomizerConfiguration.CUSTOMIZER);
			});
	}

	@Test
	void autoConfiguresTheSocketCloserWhichReachesTheSocketsOfThisTomcat() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SocketCloser.class).hasSingleBean(TomcatSocketCloser.class);
			assertThat(context.getBean(TomcatSocketCloser.class).isSupported()).isTrue();
		});
	}

	@Test
	void backsOffWhenUserDefinesASocketCloser() {
		this.contextRunner.withUserConfiguration(UserSocketCloserConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(TomcatSocketCloser.class);
			assertThat(context.getBean(SocketCloser.class)).isSameAs(SocketCloser.NONE);
		});
	}

	@Test
	void autoConfiguresEveryBufferOfTheConnector() {
		this.contextRunner
			.withPropertyValues("sse.replay.tomcat.socket-read-buffer=512B",
					"sse.replay.tomcat.socket-write-buffer=1KB", "sse.replay.tomcat.response-buffer=256B")
			.run((context) -> {
				TomcatServletWebServerFactory factory = customize(context, new TomcatServletWebServerFactory());
				assertThat(factory.getProtocol()).isEqualTo(SizedResponseBufferProtocol.class.getName());
				Connector connector = connector(factory);
				assertThat(connector.getProtocolHandler()).isInstanceOf(SizedResponseBufferProtocol.class);
				assertThat(((SizedResponseBufferProtocol) connector.getProtocolHandler()).getResponseBufferSize())
					.isEqualTo(256);
				assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("512");
				assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("1024");
			});
	}

	@Test
	void keepsTomcatsProtocolWhenOnlySocketBuffersAreSet() {
		this.contextRunner.withPropertyValues("sse.replay.tomcat.socket-read-buffer=2KB").run((context) -> {
			TomcatServletWebServerFactory factory = customize(context, new TomcatServletWebServerFactory());
			assertThat(factory.getProtocol()).isEqualTo(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
			assertThat(connector(factory).getProperty("socket.appReadBufSize")).hasToString("2048");
		});
	}

	@Test
	void leavesTomcatAloneWhenNothingIsSet() {
		this.contextRunner.run((context) -> {
			TomcatServletWebServerFactory factory = customize(context, new TomcatServletWebServerFactory());
			assertThat(factory.getProtocol()).isEqualTo(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
			assertThat(factory.getConnectorCustomizers()).isEmpty();
		});
	}

	@Test
	void doesNotAutoConfigureWithoutTomcat() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(TomcatServletWebServerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean("sseReplayTomcatBuffers")
				.doesNotHaveBean(SocketCloser.class));
	}

	@Test
	void doesNotAutoConfigureOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseReplayTomcatAutoConfiguration.class))
			.withPropertyValues("sse.replay.tomcat.response-buffer=1KB")
			.run((context) -> assertThat(context).doesNotHaveBean("sseReplayTomcatBuffers"));
	}

	@Test
	void failsOnABufferOfZero() {
		this.contextRunner.withPropertyValues("sse.replay.tomcat.response-buffer=0B").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.tomcat.response-buffer must be between 1B and 2GB, was 0B");
		});
	}

	@Test
	void failsOnABufferLargerThanTwoGigabytes() {
		this.contextRunner.withPropertyValues("sse.replay.tomcat.socket-read-buffer=3GB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.tomcat.socket-read-buffer must be between 1B and 2GB");
		});
	}

	@Test
	void failsWhenTheServerHasAnotherProtocolAndAResponseBufferIsSet() {
		this.contextRunner.withPropertyValues("sse.replay.tomcat.response-buffer=1KB").run((context) -> {
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			factory.setProtocol(NIO2);
			assertThatExceptionOfType(IncompatibleTomcatProtocolException.class)
				.isThrownBy(() -> customize(context, factory))
				.withMessageContaining("sse.replay.tomcat.response-buffer is set to '1024B'")
				.withMessageContaining(NIO2);
		});
	}

	@Test
	void failsWhenAnotherProtocolReplacesTheSizedOneAfterwards() {
		this.contextRunner.withPropertyValues("sse.replay.tomcat.response-buffer=1KB").run((context) -> {
			TomcatServletWebServerFactory factory = customize(context, new TomcatServletWebServerFactory());
			factory.setProtocol(NIO2);
			assertThatExceptionOfType(IncompatibleTomcatProtocolException.class)
				.isThrownBy(() -> connector(factory))
				.withMessageContaining("sse.replay.tomcat.response-buffer is set to '1024B'")
				.withMessageContaining(NIO2);
		});
	}

	private static TomcatServletWebServerFactory customize(AssertableWebApplicationContext context,
			TomcatServletWebServerFactory factory) {
		context.getBean(TomcatBuffersCustomizer.class).customize(factory);
		return factory;
	}

	// The connector Tomcat would create for the factory, customized as it would be.
	private static Connector connector(TomcatServletWebServerFactory factory) {
		Connector connector = new Connector(factory.getProtocol());
		factory.getConnectorCustomizers().forEach((customizer) -> customizer.customize(connector));
		return connector;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSocketCloserConfiguration {

		@Bean
		SocketCloser socketCloser() {
			return SocketCloser.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizerConfiguration {

		static final WebServerFactoryCustomizer<TomcatServletWebServerFactory> CUSTOMIZER = (factory) -> {
		};

		@Bean
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> sseReplayTomcatBuffers() {
			return CUSTOMIZER;
		}

	}

}
