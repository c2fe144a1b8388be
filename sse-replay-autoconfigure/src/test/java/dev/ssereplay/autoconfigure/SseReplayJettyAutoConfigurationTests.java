package dev.ssereplay.autoconfigure;

import java.util.Arrays;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.ssereplay.autoconfigure.SseReplayJettyAutoConfiguration.JettyBuffersCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SseReplayJettyAutoConfiguration}.
 */
@Tag("jetty")
class SseReplayJettyAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseReplayJettyAutoConfiguration.class));

	@Test
	void autoConfiguresTheBuffersCustomizer() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(JettyBuffersCustomizer.class)
			.hasBean("sseReplayJettyBuffers"));
	}

	@Test
	void backsOffWhenUserDefinesTheBuffersCustomizer() {
		this.contextRunner.withUserConfiguration(UserCustomizerConfiguration.class)
			.withPropertyValues("sse.replay.jetty.response-aggregation=0")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JettyBuffersCustomizer.class);
				assertThat(context.getBean("sseReplayJettyBuffers")).isSameAs(UserCustomizerConfiguration.CUSTOMIZER);
			});
	}

	@Test
	void autoConfiguresTheResponseBufferAndAggregationOfEveryConnector() {
		this.contextRunner
			.withPropertyValues("sse.replay.jetty.response-buffer=4KB", "sse.replay.jetty.response-aggregation=0")
			.run((context) -> {
				Server server = customizedServer(context);
				for (HttpConfiguration configuration : httpConfigurations(server)) {
					assertThat(configuration.getOutputBufferSize()).isEqualTo(4096);
					assertThat(configuration.getOutputAggregationSize()).isZero();
				}
			});
	}

	@Test
	void keepsJettysBufferWhenOnlyTheAggregationIsSet() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.response-aggregation=0").run((context) -> {
			HttpConfiguration configuration = httpConfigurations(customizedServer(context))[0];
			assertThat(configuration.getOutputBufferSize()).isEqualTo(new HttpConfiguration().getOutputBufferSize());
			assertThat(configuration.getOutputAggregationSize()).isZero();
		});
	}

	@Test
	void aggregatesAQuarterOfTheBufferWhenOnlyTheBufferIsSet() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.response-buffer=8KB").run((context) -> {
			HttpConfiguration configuration = httpConfigurations(customizedServer(context))[0];
			assertThat(configuration.getOutputBufferSize()).isEqualTo(8192);
			assertThat(configuration.getOutputAggregationSize()).isEqualTo(2048);
		});
	}

	@Test
	void setsTheAcceptQueueOfEveryNetworkConnectorAndLeavesTheBuffers() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.accept-queue-size=2048").run((context) -> {
			Server server = customizedServer(context);
			assertThat(server.getConnectors()).allSatisfy(
					(connector) -> assertThat(((ServerConnector) connector).getAcceptQueueSize()).isEqualTo(2048));
			HttpConfiguration configuration = httpConfigurations(server)[0];
			assertThat(configuration.getOutputBufferSize()).isEqualTo(new HttpConfiguration().getOutputBufferSize());
			assertThat(configuration.getOutputAggregationSize())
				.isEqualTo(new HttpConfiguration().getOutputAggregationSize());
		});
	}

	@Test
	void failsOnAnAcceptQueueOfZero() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.accept-queue-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.jetty.accept-queue-size must be positive, was 0");
		});
	}

	@Test
	void leavesJettyAloneWhenNothingIsSet() {
		this.contextRunner.run((context) -> {
			JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
			context.getBean(JettyBuffersCustomizer.class).customize(factory);
			assertThat(factory.getServerCustomizers()).isEmpty();
		});
	}

	@Test
	void doesNotAutoConfigureWithoutJetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JettyServletWebServerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean("sseReplayJettyBuffers"));
	}

	@Test
	void doesNotAutoConfigureOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseReplayJettyAutoConfiguration.class))
			.withPropertyValues("sse.replay.jetty.response-aggregation=0")
			.run((context) -> assertThat(context).doesNotHaveBean("sseReplayJettyBuffers"));
	}

	@Test
	void failsOnABufferOfZero() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.response-buffer=0B").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.jetty.response-buffer must be between 1B and 2GB, was 0B");
		});
	}

	@Test
	void failsOnANegativeAggregation() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.response-aggregation=-1B").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.replay.jetty.response-aggregation must be between 0B and 2GB, was -1B");
		});
	}

	@Test
	void failsWhenTheAggregationExceedsTheBuffer() {
		this.contextRunner
			.withPropertyValues("sse.replay.jetty.response-buffer=4KB", "sse.replay.jetty.response-aggregation=8KB")
			.run((context) -> assertThatIllegalArgumentException().isThrownBy(() -> customize(context))
				.withMessage("sse.replay.jetty.response-aggregation is '8192B', larger than the response buffer "
						+ "(4096B, sse.replay.jetty.response-buffer); lower it or raise the buffer"));
	}

	@Test
	void failsWhenTheAggregationExceedsJettysBuffer() {
		this.contextRunner.withPropertyValues("sse.replay.jetty.response-aggregation=64KB")
			.run((context) -> assertThatIllegalArgumentException().isThrownBy(() -> customize(context))
				.withMessageContaining("sse.replay.jetty.response-aggregation is '65536B', larger than the "
						+ "response buffer (32768B, sse.replay.jetty.response-buffer)"));
	}

	private static void customize(AssertableWebApplicationContext context) {
		context.getBean(JettyBuffersCustomizer.class).customize(new JettyServletWebServerFactory());
	}

	// A server with two connectors, customized as the factory would customize it.
	private static Server customizedServer(AssertableWebApplicationContext context) {
		JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
		context.getBean(JettyBuffersCustomizer.class).customize(factory);
		Server server = new Server();
		server.addConnector(new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration())));
		server.addConnector(new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration())));
		for (JettyServerCustomizer customizer : factory.getServerCustomizers()) {
			customizer.customize(server);
		}
		return server;
	}

	private static HttpConfiguration[] httpConfigurations(Server server) {
		return Arrays.stream(server.getConnectors())
			.map((connector) -> connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration())
			.toArray(HttpConfiguration[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizerConfiguration {

		// Not a lambda: its method would name the Jetty factory (see the pom).
		static final WebServerFactoryCustomizer<JettyServletWebServerFactory> CUSTOMIZER = UserCustomizerConfiguration::ignore;

		@Bean
		WebServerFactoryCustomizer<JettyServletWebServerFactory> sseReplayJettyBuffers() {
			return CUSTOMIZER;
		}

		private static void ignore(WebServerFactory factory) {
		}

	}

}
