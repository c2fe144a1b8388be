package dev.ssereplay.web.tomcat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.StreamsTestApplication.StreamsController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * End-to-end tests of {@link SizedResponseBufferProtocol} and the other
 * {@code sse.replay.tomcat.*} buffers on a running Tomcat.
 */
class TomcatBuffersTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void smallBuffersApplyToEveryConnectionAndStreamsStillCarryLargeEvents() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.replay.tomcat.socket-read-buffer=512B",
				"sse.replay.tomcat.socket-write-buffer=1KB", "sse.replay.tomcat.response-buffer=256B")) {
			Connector connector = connector(context);
			assertThat(connector.getProtocolHandler()).isInstanceOf(SizedResponseBufferProtocol.class);
			assertThat(((SizedResponseBufferProtocol) connector.getProtocolHandler()).getResponseBufferSize())
				.isEqualTo(256);
			assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("512");
			assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("1024");
			assertThat(get(context, "/buffer-size")).isEqualTo("256");
			SseReplay sseReplay = context.getBean(SseReplay.class);
			try (SseTestClient client = SseTestClient.connect(uri(context, "/streams/big"), null)) {
				assertThat(client.next(WAIT)).isNotNull();
				// Larger than every buffer, so it crosses each of them in pieces.
				String large = "x".repeat(20_000);
				String first = sseReplay.publish("big", large);
				String second = sseReplay.publish("big", "small");
				Block received = client.next(WAIT, Block::hasData);
				assertThat(received.id()).isEqualTo(first);
				assertThat(received.data()).isEqualTo(large);
				assertThat(client.next(WAIT, Block::hasData).id()).isEqualTo(second);
			}
		}
	}

	@Test
	void tomcatKeepsItsDefaultsWhenNothingIsSet() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			Connector connector = connector(context);
			assertThat(connector.getProtocolHandler().getClass()).isEqualTo(Http11NioProtocol.class);
			assertThat(get(context, "/buffer-size")).isEqualTo("8192");
		}
	}

	@Test
	void aBufferSizeOfZeroFailsStartupNamingTheProperty() {
		assertThatException().isThrownBy(() -> start("sse.replay.tomcat.response-buffer=0B"))
			.havingRootCause()
			.withMessageContaining("sse.replay.tomcat.response-buffer must be between 1B and 2GB");
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(BuffersApplication.class).properties("server.port=0",
				"spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private static Connector connector(ConfigurableApplicationContext context) {
		return ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer()).getTomcat().getConnector();
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static String get(ConfigurableApplicationContext context, String path) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(context, path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ StreamsController.class, BufferSizeController.class })
	static class BuffersApplication {

	}

	@RestController
	static class BufferSizeController {

		@GetMapping("/buffer-size")
		String bufferSize(HttpServletResponse response) {
			return Integer.toString(response.getBufferSize());
		}

	}

}
