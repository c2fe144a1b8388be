package dev.ssereplay.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.beans.factory.annotation.Autowired;

import dev.ssereplay.test.SseTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ssereplay} Actuator endpoint over HTTP: streams a page at a time,
 * one stream, a delete.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=health,ssereplay")
class SseReplayEndpointTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	private HttpResponse<String> send(String method, String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = send("GET", path);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	@Test
	void streamsAreListedAPageAtATimeWithTheirConnections() throws Exception {
		for (int i = 0; i < 5; i++) {
			this.sseReplay.publish("endpoint-" + i, "x");
		}
		String head = this.sseReplay.publish("endpoint-2", "y");
		try (SseTestClient client = SseTestClient.connect(URI.create("http://127.0.0.1:" + this.port
				+ "/streams/endpoint-2"), null)) {
			assertThat(client.next(WAIT).id()).isEqualTo(head);
			Map<String, JsonNode> listed = new java.util.HashMap<>();
			List<Integer> pageSizes = new ArrayList<>();
			String from = null;
			do {
				JsonNode page = get("/actuator/ssereplay?limit=2" + ((from != null) ? "&from=" + from : ""));
				assertThat(page.get("store").get("type").asString()).isEqualTo("in-memory");
				assertThat(page.get("connections").asInt()).isEqualTo(1);
				pageSizes.add(page.get("streams").size());
				page.get("streams").forEach((stream) -> listed.put(stream.get("name").asString(), stream));
				from = page.get("next").isNull() ? null : page.get("next").asString();
			}
			while (from != null);
			assertThat(pageSizes).allMatch((size) -> size <= 2);
			assertThat(listed).containsKeys("endpoint-0", "endpoint-1", "endpoint-2", "endpoint-3", "endpoint-4");
			JsonNode stream = listed.get("endpoint-2");
			assertThat(stream.get("connections").asInt()).isEqualTo(1);
			assertThat(stream.get("head").asString()).isEqualTo(head);
			assertThat(stream.get("events").asLong()).isEqualTo(2);
			assertThat(stream.get("bytes").asLong()).isPositive();
			assertThat(stream.get("ended").asBoolean()).isFalse();
			assertThat(get("/actuator/ssereplay/endpoint-2").get("head").asString()).isEqualTo(head);
		}
	}

	@Test
	void anUnknownStreamIsNotFoundAndADeleteEndsAStream() throws Exception {
		assertThat(send("GET", "/actuator/ssereplay/no-such-stream").statusCode()).isEqualTo(404);
		String first = this.sseReplay.publish("endpoint-delete", "x");
		try (SseTestClient client = SseTestClient.connect(URI.create("http://127.0.0.1:" + this.port
				+ "/streams/endpoint-delete"), first)) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(send("DELETE", "/actuator/ssereplay/endpoint-delete").statusCode()).isEqualTo(204);
			assertThat(client.next(WAIT, SseTestClient.Block::hasData).data()).isEqualTo("{\"reason\":\"deleted\"}");
			await().atMost(WAIT).until(client::ended);
		}
		JsonNode stream = get("/actuator/ssereplay/endpoint-delete");
		assertThat(stream.get("ended").asBoolean()).isTrue();
		assertThat(stream.get("deleted").asBoolean()).isTrue();
		assertThat(stream.get("events").asLong()).isZero();
	}

}
