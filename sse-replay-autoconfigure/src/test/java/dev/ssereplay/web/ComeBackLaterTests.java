package dev.ssereplay.web;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream the server cannot serve now is answered so that a browser comes back
 * instead of giving up for good, which it does on anything but 200.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sse.replay.max-connections=1")
class ComeBackLaterTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private Broker broker;

	@Test
	void aStreamOverTheConnectionLimitGets200WithARetryAndEnds() {
		try (SseTestClient first = SseTestClient.connect(uri(), null)) {
			assertThat(first.next(WAIT, (block) -> block.id() != null)).isNotNull();
			long rejected = this.broker.statistics().getRejected();
			try (SseTestClient second = SseTestClient.connect(uri(), null)) {
				assertThat(second.status()).isEqualTo(200);
				assertThat(second.contentType()).startsWith("text/event-stream");
				Block block = second.next(WAIT);
				assertThat(block).isNotNull();
				assertThat(Long.parseLong(block.retry())).isBetween(1_000L, 3_000L);
				assertThat(block.comments()).singleElement().asString().contains("sse.replay.max-connections");
				await().atMost(WAIT).until(second::ended);
				assertThat(second.raw()).doesNotContain("data:");
			}
			assertThat(this.broker.statistics().getRejected()).isEqualTo(rejected + 1);
		}
	}

	private URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/full");
	}

}
