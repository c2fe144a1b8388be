package dev.ssereplay.web.tomcat;

import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.test.RawHttp;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.TomcatProbe;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.StreamsTestApplication.StreamsController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link TomcatSocketCloser} on its own and on a running Tomcat.
 */
@ExtendWith(OutputCaptureExtension.class)
class TomcatSocketCloserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void reachesTheSocketsOfThisTomcat() {
		assertThat(new TomcatSocketCloser(Duration.ofSeconds(5)).isSupported()).isTrue();
	}

	@Test
	void closesNothingForAResponseOfAnotherContainer() {
		Runnable closeSocket = new TomcatSocketCloser(Duration.ZERO).prepare(new MockHttpServletResponse());
		assertThatNoException().isThrownBy(closeSocket::run);
	}

	@Test
	void aGraceOfZeroClosesTheSocketAsSoonAsTheResponseHasEnded(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = start("sse.replay.connection.close-grace=0",
				"sse.replay.connection.slow-policy=remove", "sse.replay.connection.queue-depth=8",
				"sse.replay.heartbeat.interval=0")) {
			SseReplay sseReplay = context.getBean(SseReplay.class);
			Broker broker = context.getBean(Broker.class);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			long open = TomcatProbe.connections(context);
			try (Socket stuck = SseTestClient.stopReading(URI.create("http://127.0.0.1:" + port + "/streams/zero"))) {
				await().atMost(WAIT).until(() -> broker.connectionCount() == 1);
				String payload = "z".repeat(16 * 1024);
				long deadline = System.nanoTime() + WAIT.toNanos();
				while (broker.statistics().getClosed(CloseReason.SLOW) == 0 && System.nanoTime() < deadline) {
					sseReplay.publish("zero", payload);
				}
				assertThat(broker.statistics().getClosed(CloseReason.SLOW)).isOne();
				// Without the closer the connection would stay until Tomcat's own
				// timeout, a minute; a loaded machine needs more than a moment.
				await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
					.until(() -> TomcatProbe.connections(context) == open);
				// Closed once Tomcat had finished the request, not under it.
				assertThat(TomcatProbe.asyncRequestsInProgress(context)).isZero();
				stuck.setSoTimeout(3000);
				RawHttp.readToEndOfConnection(stuck.getInputStream());
			}
		}
		// Tomcat's class loader may warn at shutdown of a writer thread it saw still
		// running; that is the executor's timing, not the socket's close.
		assertThat(output.getAll().lines()
			.filter((line) -> line.contains(" ERROR ") || line.contains(" WARN "))
			.filter((line) -> !line.contains("appears to have started a thread named [sse-replay-")))
			.isEmpty();
		assertThat(output.getAll()).doesNotContain("RecycleRequiredException");
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(StreamsApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(StreamsController.class)
	static class StreamsApplication {

	}

}
