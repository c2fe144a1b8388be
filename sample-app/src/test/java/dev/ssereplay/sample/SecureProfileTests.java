package dev.ssereplay.sample;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.store.ReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code secure} profile on a real server: users sign in with HTTP Basic or
 * the login form, read their own inboxes and no one else's, and publish once
 * signed in; an anonymous client is answered 401, a page is sent to the form.
 */
// A short heartbeat, so that a connection the test closed is soon gone from the
// server, and the next test counts only its own.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sse.replay.heartbeat.interval=200ms")
@ActiveProfiles("secure")
class SecureProfileTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Map<String, String> ALICE = basic("alice", "alice-password");

	private static final Map<String, String> BOB = basic("bob", "bob-password");

	private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"");

	@LocalServerPort
	private int port;

	@Autowired
	private Broker broker;

	@Autowired
	private ReplayStore store;

	@BeforeEach
	void noConnectionsLeft() {
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
	}

	@Test
	void aUserReadsTheirOwnInboxAndAnotherUserWritesToIt() throws Exception {
		try (EventStreamReader alice = EventStreamReader.open(HTTP, uri("/streams/user.alice.inbox"), null, ALICE)) {
			assertThat(alice.status()).isEqualTo(200);
			String id = id(post("/streams/user.alice.inbox", "lunch at one?", BOB));
			assertThat(alice.next(WAIT)).isEqualTo(new EventStreamReader.Event(id, "message", "lunch at one?"));
		}
	}

	@Test
	void anotherUsersInboxIsDeniedWithA403FromSseReplayAndNothingHeld() throws Exception {
		try (EventStreamReader alice = EventStreamReader.open(HTTP, uri("/streams/user.alice.inbox"), null, ALICE)) {
			assertThat(alice.status()).isEqualTo(200);
			assertThat(this.broker.connectionCount()).isEqualTo(1);
			long deniedBefore = this.broker.statistics().getDenied();
			for (String stream : new String[] { "user.alice.inbox", "user.alice.drafts" }) {
				HttpResponse<String> bob = getEventStream("/streams/" + stream, null, BOB);
				assertThat(bob.statusCode()).isEqualTo(403);
				assertThat(bob.headers().firstValue("Content-Type")).hasValueSatisfying(
						(type) -> assertThat(type).startsWith("application/problem+json"));
				assertThat(bob.body()).contains("\"status\":403")
					.contains("a user's streams can be read by that user only");
			}
			assertThat(this.broker.connectionCount()).isEqualTo(1);
			assertThat(this.broker.statistics().getDenied()).isEqualTo(deniedBefore + 2);
			// A denied request for a stream that did not exist did not create it.
			assertThat(this.store.summary("user.alice.drafts")).isNull();
		}
	}

	@Test
	void anAnonymousEventStreamGetsA401AndAPageTheLoginForm() throws Exception {
		HttpResponse<String> anonymous = getEventStream("/streams/demo", null, Map.of());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		// A browser's EventSource stops on it; it has no form to show.
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isEmpty();
		HttpResponse<String> wrongPassword = getEventStream("/streams/demo", null, basic("alice", "bob-password"));
		assertThat(wrongPassword.statusCode()).isEqualTo(401);
		HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri("/")).header("Accept", "text/html").build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(page.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).endsWith("/login"));
		assertThat(this.broker.connectionCount()).isZero();
		assertThat(this.store.summary("demo")).isNull();
	}

	@Test
	void aResumeIsAuthorizedAgain() throws Exception {
		String first = id(post("/streams/user.alice.inbox", "one", BOB));
		String second = id(post("/streams/user.alice.inbox", "two", BOB));
		try (EventStreamReader alice = EventStreamReader.open(HTTP, uri("/streams/user.alice.inbox"), first, ALICE)) {
			assertThat(alice.status()).isEqualTo(200);
			assertThat(alice.next(WAIT)).isEqualTo(new EventStreamReader.Event(second, "message", "two"));
		}
		long deniedBefore = this.broker.statistics().getDenied();
		// An id of alice's stream gets bob no further than a fresh connect would.
		HttpResponse<String> bob = getEventStream("/streams/user.alice.inbox", first, BOB);
		assertThat(bob.statusCode()).isEqualTo(403);
		assertThat(bob.body()).doesNotContain("two");
		HttpResponse<String> bobByQuery = getEventStream("/streams/user.alice.inbox?last_event_id=" + first, null,
				BOB);
		assertThat(bobByQuery.statusCode()).isEqualTo(403);
		assertThat(this.broker.statistics().getDenied()).isEqualTo(deniedBefore + 2);
	}

	@Test
	void publishingNeedsASignedInUser() throws Exception {
		HttpResponse<String> anonymous = post("/streams/notes", "anyone?", Map.of());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).startsWith("Basic realm=\"sse-replay sample\""));
		assertThat(post("/streams/notes", "bob?", basic("bob", "alice-password")).statusCode()).isEqualTo(401);
		assertThat(this.store.summary("notes")).isNull();
		String id = id(post("/streams/notes", "alice", ALICE));
		try (EventStreamReader bob = EventStreamReader.open(HTTP, uri("/streams/notes"), null, BOB)) {
			// Streams that are no user's are open to every signed-in user.
			assertThat(bob.status()).isEqualTo(200);
			String next = id(post("/streams/notes", "bob", BOB));
			assertThat(next).isNotEqualTo(id);
			assertThat(bob.next(WAIT)).isEqualTo(new EventStreamReader.Event(next, "message", "bob"));
		}
	}

	@Test
	void theLoginFormStartsASessionThatReadsTheInboxAndPublishesWithTheCsrfToken() throws Exception {
		CookieManager cookies = new CookieManager();
		HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
		HttpResponse<String> form = browser.send(HttpRequest.newBuilder(uri("/login")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(form.statusCode()).isEqualTo(200);
		Matcher csrf = CSRF_FIELD.matcher(form.body());
		assertThat(csrf.find()).as("the login form's CSRF field").isTrue();
		HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("username=alice&password=alice-password&_csrf="
					+ URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location")).hasValue(uri("/").toString());
		assertThat(cookie(cookies, "JSESSIONID")).isNotNull();

		HttpResponse<String> me = browser.send(HttpRequest.newBuilder(uri("/me")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(me.body()).isEqualTo("{\"name\":\"alice\"}");
		try (EventStreamReader inbox = EventStreamReader.open(browser, uri("/streams/user.alice.inbox"), null,
				Map.of())) {
			assertThat(inbox.status()).isEqualTo(200);
			String id = id(post("/streams/user.alice.inbox", "from bob", BOB));
			assertThat(inbox.next(WAIT)).isEqualTo(new EventStreamReader.Event(id, "message", "from bob"));

			// A POST with the session must carry the token, as the pages send it.
			HttpRequest.Builder publish = HttpRequest.newBuilder(uri("/streams/user.alice.inbox"))
				.POST(HttpRequest.BodyPublishers.ofString("note to self"));
			assertThat(browser.send(publish.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
				.isEqualTo(403);
			HttpResponse<String> withToken = browser.send(
					publish.header("X-XSRF-TOKEN", cookie(cookies, "XSRF-TOKEN")).build(),
					HttpResponse.BodyHandlers.ofString());
			String own = id(withToken);
			assertThat(inbox.next(WAIT)).isEqualTo(new EventStreamReader.Event(own, "message", "note to self"));
		}
		HttpResponse<String> bobsInbox = browser.send(HttpRequest.newBuilder(uri("/streams/user.bob.inbox"))
			.header("Accept", "text/event-stream")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(bobsInbox.statusCode()).isEqualTo(403);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		headers.forEach(request::header);
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	// For a request that is refused: a body that never ends would block.
	private HttpResponse<String> getEventStream(String path, String lastEventId, Map<String, String> headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.header("Accept", "text/event-stream")
			.timeout(WAIT);
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		headers.forEach(request::header);
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String id(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("{\"id\":\"");
		return response.body().substring(7, response.body().length() - 2);
	}

	private static String cookie(CookieManager cookies, String name) {
		return cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals(name))
			.map(HttpCookie::getValue)
			.findFirst()
			.orElse(null);
	}

	private static Map<String, String> basic(String user, String password) {
		return Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
	}

}
