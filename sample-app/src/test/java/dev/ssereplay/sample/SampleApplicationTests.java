package dev.ssereplay.sample;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.SecurityFilterChain;

import dev.ssereplay.web.SubscriptionAuthorizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's HTTP API, as other tools use it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String id(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("{\"id\":\"");
		return response.body().substring(7, response.body().length() - 2);
	}

	@Test
	void publishesTheBodyVerbatimAndStreamsItWithItsId() throws Exception {
		String first = id(post("/streams/verbatim", "placeholder".getBytes(StandardCharsets.UTF_8), null));
		String data = "  leading spaces\r\nsecond line\rthird: 100% \u00e9\u4e16\ud83d\ude00";
		String id = id(post("/streams/verbatim?event=note", data.getBytes(StandardCharsets.UTF_8),
				"application/x-www-form-urlencoded"));
		String empty = id(post("/streams/verbatim", new byte[0], "text/plain"));
		List<String> lines = readLines("/streams/verbatim", first, 3);
		assertThat(lines).containsSubsequence("id: " + id, "event: note", "data:   leading spaces",
				"data: second line", "data: third: 100% \u00e9\u4e16\ud83d\ude00", "", "id: " + empty, "data: ", "");
	}

	@Test
	void rejectsBadStreamNamesWithA400() throws Exception {
		HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(uri("/streams/bad%20name")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(get.statusCode()).isEqualTo(400);
		assertThat(get.body()).contains("Invalid stream name");
		HttpResponse<String> postResponse = post("/streams/" + "x".repeat(129), "x".getBytes(StandardCharsets.UTF_8),
				null);
		assertThat(postResponse.statusCode()).isEqualTo(400);
	}

	@Test
	void rejectsOversizedBodiesWithA413() throws Exception {
		HttpResponse<String> response = post("/streams/big", new byte[1024 * 1024 + 1], "text/plain");
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("sse.replay.max-event-size");
	}

	@Test
	void rejectsBodiesThatAreNotUtf8AndEventNamesWithLineBreaks() throws Exception {
		HttpResponse<String> invalid = post("/streams/utf8", new byte[] { 'a', (byte) 0xC3 }, "text/plain");
		assertThat(invalid.statusCode()).isEqualTo(400);
		assertThat(invalid.body()).contains("not valid UTF-8");
		HttpResponse<String> name = post("/streams/utf8?event=a%0Ab", "x".getBytes(StandardCharsets.UTF_8), null);
		assertThat(name.statusCode()).isEqualTo(400);
		assertThat(name.body()).contains("must not contain LF");
	}

	@Test
	void aRetryWithTheSameIdempotencyKeyAnswersTheFirstIdAndPublishesNothing() throws Exception {
		String before = id(post("/streams/retried", "before".getBytes(StandardCharsets.UTF_8), null));
		String first = id(postWithKey("/streams/retried", "paid", "order-42"));
		String retry = id(postWithKey("/streams/retried", "paid", "order-42"));
		String other = id(postWithKey("/streams/retried", "shipped", "order-43"));
		assertThat(retry).isEqualTo(first);
		assertThat(other).isNotEqualTo(first);
		List<String> lines = readLines("/streams/retried", before, 3);
		assertThat(lines).containsExactly("retry: 3000", "", "id: " + first, "data: paid", "", "id: " + other,
				"data: shipped", "");
		HttpResponse<String> metric = HTTP.send(
				HttpRequest.newBuilder(uri("/actuator/metrics/sse.replay.events.repeated")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(metric.body()).doesNotContain("\"value\":0.0");
	}

	@Test
	void rejectsAnInvalidIdempotencyKeyWithA400() throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/streams/retried"))
			.header("Idempotency-Key", "x".repeat(256))
			.POST(HttpRequest.BodyPublishers.ofString("data"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("idempotency key");
	}

	private HttpResponse<String> postWithKey(String path, String body, String key) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(uri(path))
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void completeAnswersTheFinalEventsIdAndEndsTheStream() throws Exception {
		String first = id(post("/streams/ending", "one".getBytes(StandardCharsets.UTF_8), null));
		String second = id(post("/streams/ending", "two".getBytes(StandardCharsets.UTF_8), null));
		String finalId = id(post("/streams/ending/complete", new byte[0], null));
		EventStreamReader.Result rest = EventStreamReader.readToEnd(uri("/streams/ending"), first, READ_TIMEOUT);
		assertThat(rest.status()).isEqualTo(200);
		assertThat(rest.events()).containsExactly(new EventStreamReader.Event(second, "message", "two"),
				new EventStreamReader.Event(finalId, "complete", "{\"reason\":\"completed\"}"));
		assertThat(EventStreamReader.readToEnd(uri("/streams/ending"), finalId, READ_TIMEOUT).status())
			.isEqualTo(204);
		assertThat(EventStreamReader.readToEnd(uri("/streams/ending"), null, READ_TIMEOUT).status()).isEqualTo(204);
		assertThat(post("/streams/ending", "three".getBytes(StandardCharsets.UTF_8), null).statusCode())
			.isEqualTo(409);
		assertThat(post("/streams/ending/complete", new byte[0], null).statusCode()).isEqualTo(409);
	}

	@Test
	void deleteAnswers204AndEndsTheStreamForItsConnections() throws Exception {
		String first = id(post("/streams/deleting", "one".getBytes(StandardCharsets.UTF_8), null));
		String second = id(post("/streams/deleting", "two".getBytes(StandardCharsets.UTF_8), null));
		try (EventStreamReader connected = EventStreamReader.open(uri("/streams/deleting"), first)) {
			// Replayed after the connection joined the stream's live subscribers.
			assertThat(connected.next(READ_TIMEOUT)).isEqualTo(new EventStreamReader.Event(second, "message", "two"));
			HttpResponse<String> delete = HTTP.send(
					HttpRequest.newBuilder(uri("/streams/deleting")).DELETE().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(delete.statusCode()).isEqualTo(204);
			List<EventStreamReader.Event> rest = connected.rest(READ_TIMEOUT);
			assertThat(rest).hasSize(1);
			assertThat(rest.get(0).name()).isEqualTo("complete");
			assertThat(rest.get(0).data()).isEqualTo("{\"reason\":\"deleted\"}");
		}
		assertThat(EventStreamReader.readToEnd(uri("/streams/deleting"), second, READ_TIMEOUT).status())
			.isEqualTo(204);
	}

	@Test
	void completeAndDeleteRejectBadStreamNamesWithA400() throws Exception {
		assertThat(post("/streams/bad%20name/complete", new byte[0], null).statusCode()).isEqualTo(400);
		HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(uri("/streams/bad%20name")).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(delete.statusCode()).isEqualTo(400);
	}

	@Test
	void malformedLastEventIdGetsAResync() throws Exception {
		List<String> lines = readLines("/streams/resync", "junk", 2);
		assertThat(lines).anySatisfy((line) -> assertThat(line).isEqualTo("event: resync"));
		assertThat(lines).anySatisfy((line) -> assertThat(line).contains("\"reason\":\"malformed\""));
	}

	@Test
	void servesThePageHealthAndMetrics() throws Exception {
		HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri("/")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("new EventSource(");
		HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(health.body()).contains("\"status\":\"UP\"");
		HttpResponse<String> metric = HTTP.send(
				HttpRequest.newBuilder(uri("/actuator/metrics/sse.replay.events.published")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(metric.statusCode()).isEqualTo(200);
	}

	@Test
	void runsWithoutSpringSecurityWithoutTheSecureProfile() throws Exception {
		assertThat(this.context.getBeanNamesForType(SecurityFilterChain.class)).isEmpty();
		assertThat(this.context.containsBean("springSecurityFilterChain")).isFalse();
		assertThat(this.context.getBeanNamesForType(SubscriptionAuthorizer.class)).isEmpty();
		HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(uri("/me")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(me.statusCode()).isEqualTo(404);
	}

	private List<String> readLines(String path, String lastEventId, int blocks) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Last-Event-ID", lastEventId).build();
		HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		List<String> lines = new ArrayList<>();
		CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				int seen = 0;
				String line;
				while (seen < blocks && (line = reader.readLine()) != null) {
					synchronized (lines) {
						lines.add(line);
					}
					if (line.isEmpty()) {
						seen++;
					}
				}
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		});
		try {
			reading.get(3, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			// Fewer blocks than asked for; the assertions say what was missing.
		}
		finally {
			response.body().close();
		}
		synchronized (lines) {
			return List.copyOf(lines);
		}
	}

}
