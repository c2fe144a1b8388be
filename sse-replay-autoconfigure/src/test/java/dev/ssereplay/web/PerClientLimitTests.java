package dev.ssereplay.web;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.ConnectionLimit;
import dev.ssereplay.test.SseTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One remote address cannot take every connection slot when a per-address
 * limit is set.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sse.replay.max-connections-per-address=2")
class PerClientLimitTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private Broker broker;

	@Test
	void aThirdStreamFromTheSameAddressIsToldToComeBack() {
		try (SseTestClient first = SseTestClient.connect(uri(), null);
				SseTestClient second = SseTestClient.connect(uri(), null)) {
			assertThat(first.next(WAIT, (block) -> block.id() != null)).isNotNull();
			assertThat(second.next(WAIT, (block) -> block.id() != null)).isNotNull();
			try (SseTestClient third = SseTestClient.connect(uri(), null)) {
				assertThat(third.status()).isEqualTo(200);
				assertThat(third.next(WAIT).comments()).singleElement()
					.asString()
					.contains("sse.replay.max-connections-per-address");
				await().atMost(WAIT).until(third::ended);
			}
			assertThat(this.broker.statistics().getRejected(ConnectionLimit.PER_ADDRESS)).isEqualTo(1);
		}
	}

	private URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/mine");
	}

}
