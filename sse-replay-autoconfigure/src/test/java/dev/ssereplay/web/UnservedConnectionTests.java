package dev.ssereplay.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.test.SseTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that throws after subscribing holds its connection slot only until
 * the start timeout: the next client is served, not refused for good.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.max-connections=1", "sse.replay.connection.start-timeout=500ms" })
class UnservedConnectionTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private Broker broker;

	@Test
	void aHandlerThatThrowsAfterSubscribingReleasesTheSlot() throws Exception {
		assertThat(status("/refused/mine")).isEqualTo(403);
		// Only one connection is allowed; the refused one must not keep it.
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		try (SseTestClient client = SseTestClient.connect(uri("/streams/mine"), null)) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.next(WAIT, (block) -> block.id() != null)).isNotNull();
		}
	}

	private int status(String path) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
