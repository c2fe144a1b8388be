package dev.ssereplay.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.StreamsTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams behind Spring Boot's default security: every request authenticated,
 * HTTP Basic and form login. A stream opens, heartbeats, resumes and ends; the
 * asynchronous dispatch that completes it is not denied.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=", "spring.security.user.name=alice",
				"spring.security.user.password=alice-password", "sse.replay.heartbeat.interval=200ms" })
class DefaultSecurityStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Map<String, String> ALICE = Map.of("Authorization",
			"Basic " + Base64.getEncoder().encodeToString("alice:alice-password".getBytes(StandardCharsets.UTF_8)));

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	private URI stream(String name) {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/" + name);
	}

	@Test
	void anAnonymousClientIsSentToTheLoginPageAndNothingIsHeld() {
		try (SseTestClient client = SseTestClient.connect(stream("secured-anonymous"), null)) {
			// Boot's default chain answers every request but XHR and some data types
			// with a redirect to its login form.
			assertThat(client.status()).isEqualTo(302);
			assertThat(client.header("Location")).endsWith("/login");
		}
		assertThat(this.broker.connectionCount()).isZero();
	}

	@Test
	void anAuthenticatedStreamOpensHeartbeatsResumesAndEnds() {
		long completedBefore = this.broker.statistics().getClosed(CloseReason.COMPLETED);
		String first = this.sseReplay.publish("secured", "one");
		String second;
		try (SseTestClient client = SseTestClient.connect(stream("secured"), first, ALICE)) {
			assertThat(client.status()).isEqualTo(200);
			second = this.sseReplay.publish("secured", "two");
			assertThat(client.events(1, WAIT)).extracting(Block::id).containsExactly(second);
			assertThat(client.next(WAIT, Block::isComment).comments()).contains("heartbeat");
		}
		String third = this.sseReplay.publish("secured", "three");
		try (SseTestClient resumed = SseTestClient.connect(stream("secured"), second, ALICE)) {
			assertThat(resumed.status()).isEqualTo(200);
			assertThat(resumed.events(1, WAIT)).extracting(Block::id).containsExactly(third);
			String end = this.sseReplay.complete("secured");
			assertThat(resumed.events(1, WAIT)).extracting(Block::id).containsExactly(end);
			await().atMost(WAIT).until(resumed::ended);
			// Ended by the server after its last byte: a clean end, not a failure.
			assertThat(resumed.raw()).endsWith("data: {\"reason\":\"completed\"}\n\n");
		}
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		assertThat(this.broker.statistics().getClosed(CloseReason.COMPLETED)).isEqualTo(completedBefore + 1);
		try (SseTestClient again = SseTestClient.connect(stream("secured"), null, ALICE)) {
			assertThat(again.status()).isEqualTo(204);
		}
	}

	@Test
	void aDeletedStreamEndsCleanlyThroughTheSecuredDispatch() {
		// The response is completed through the asynchronous dispatch, which
		// security lets through.
		try (SseTestClient client = SseTestClient.connect(stream("secured-cancel"), null, ALICE)) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.next(WAIT).id()).isNotNull();
			this.sseReplay.delete("secured-cancel");
			assertThat(client.events(1, WAIT)).extracting(Block::data).containsExactly("{\"reason\":\"deleted\"}");
			await().atMost(WAIT).until(client::ended);
		}
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
	}

}
