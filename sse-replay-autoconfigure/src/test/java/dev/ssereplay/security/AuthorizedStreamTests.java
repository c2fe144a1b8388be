package dev.ssereplay.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.Callback;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.broker.SubscriptionListener;
import dev.ssereplay.event.EventId;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.StreamsTestApplication;
import dev.ssereplay.web.SubscriptionAuthorizer;
import dev.ssereplay.web.SubscriptionDecision;
import dev.ssereplay.web.SubscriptionRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link SubscriptionAuthorizer} behind an application's own security filter
 * chain: per-user streams, denials that hold nothing, resumes authorized again,
 * an authorization that expires while the client streams, and lifecycle
 * listeners, one of which throws.
 */
@SpringBootTest(classes = { StreamsTestApplication.class, AuthorizedStreamTests.Security.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=", "sse.replay.heartbeat.interval=300ms", "sse.replay.retry=100ms" })
class AuthorizedStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	@Autowired
	private ReplayStore store;

	@Autowired
	private Recorder recorder;

	private static Map<String, String> basic(String user) {
		return Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + user + "-password").getBytes(StandardCharsets.UTF_8)));
	}

	private URI stream(String name) {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/" + name);
	}

	@Test
	void aUserReadsTheirOwnStreamAndAnotherUserIsDeniedWithNothingHeld() throws Exception {
		String event = this.sseReplay.publish("user.alice.inbox", "for alice");
		try (SseTestClient alice = SseTestClient.connect(stream("user.alice.inbox"), "", basic("alice"))) {
			assertThat(alice.status()).isEqualTo(200);
			assertThat(alice.next(WAIT).id()).isEqualTo(event);
		}
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		long deniedBefore = this.broker.statistics().getDenied();
		HttpResponse<String> bob = HTTP.send(HttpRequest.newBuilder(stream("user.alice.secrets"))
			.header("Accept", "text/event-stream")
			.header("Authorization", basic("bob").get("Authorization"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(bob.statusCode()).isEqualTo(403);
		assertThat(bob.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(bob.body()).contains("not your stream");
		assertThat(this.broker.connectionCount()).isZero();
		assertThat(this.store.summary("user.alice.secrets")).isNull();
		assertThat(this.broker.statistics().getDenied()).isEqualTo(deniedBefore + 1);
		await().atMost(WAIT).until(() -> this.recorder.ended.stream()
			.anyMatch((ended) -> ended.reason() == CloseReason.DENIED && "bob".equals(ended.principal())));
	}

	@Test
	void anAnonymousEventSourceGets401WhileAPageIsSentToTheLoginForm() throws Exception {
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		try (SseTestClient anonymous = SseTestClient.connect(stream("public.news"), null)) {
			assertThat(anonymous.status()).isEqualTo(401);
		}
		HttpResponse<Void> page = HTTP.send(HttpRequest.newBuilder(stream("public.news"))
			.header("Accept", "text/html")
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(this.broker.connectionCount()).isZero();
		assertThat(this.store.summary("public.news")).isNull();
	}

	@Test
	void aResumeIsAuthorizedAgainAndListenersAreToldEvenWhenOneThrows() {
		long failuresBefore = this.broker.statistics().getCallbackFailures(Callback.SUBSCRIPTION_LISTENER);
		String first = this.sseReplay.publish("public.resume", "one");
		this.sseReplay.publish("public.resume", "two");
		try (SseTestClient client = SseTestClient.connect(stream("public.resume"), first, basic("alice"))) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.events(1, WAIT)).extracting(Block::data).containsExactly("two");
		}
		assertThat(this.recorder.requests).filteredOn((request) -> request.stream().equals("public.resume"))
			.singleElement()
			.satisfies((request) -> {
				assertThat(request.isResume()).isTrue();
				assertThat(request.principal()).isInstanceOf(Authentication.class);
				assertThat(request.principal().getName()).isEqualTo("alice");
			});
		await().atMost(WAIT).until(() -> this.recorder.ended.stream()
			.anyMatch((ended) -> ended.stream().equals("public.resume")));
		assertThat(this.recorder.started).filteredOn((started) -> started.stream().equals("public.resume"))
			.singleElement()
			.satisfies((started) -> {
				assertThat(started.resumed()).isTrue();
				assertThat(started.replayed()).isEqualTo(1);
				assertThat(started.principal()).isEqualTo("alice");
			});
		assertThat(this.recorder.ended).filteredOn((ended) -> ended.stream().equals("public.resume"))
			.singleElement()
			.satisfies((ended) -> assertThat(ended.reason()).isEqualTo(CloseReason.DISCONNECTED));
		assertThat(this.broker.statistics().getCallbackFailures(Callback.SUBSCRIPTION_LISTENER))
			.isGreaterThanOrEqualTo(failuresBefore + 2);
	}

	@Test
	void anExpiredAuthorizationEndsTheStreamAndTheClientResumesWithoutLoss() throws Exception {
		long expiredBefore = this.broker.statistics().getClosed(CloseReason.EXPIRED);
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		AtomicBoolean publishing = new AtomicBoolean(true);
		List<String> received = new ArrayList<>();
		int connections = 0;
		try {
			SseTestClient client = SseTestClient.connect(stream("expiring.feed"), null, basic("alice"));
			String lastEventId = client.next(WAIT).id();
			Future<List<String>> published = publisher.submit(() -> {
				List<String> ids = new ArrayList<>();
				while (publishing.get()) {
					ids.add(this.sseReplay.publish("expiring.feed", "e" + ids.size()));
					Thread.sleep(5);
				}
				return ids;
			});
			long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			while (System.nanoTime() < deadline) {
				connections++;
				long connectionDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (System.nanoTime() < connectionDeadline) {
					Block block = client.next(Duration.ofMillis(100));
					if (block == null) {
						if (client.ended()) {
							break;
						}
					}
					else if (block.hasData()) {
						received.add(block.id());
						lastEventId = block.id();
					}
				}
				assertThat(client.ended()).as("the server ended the stream").isTrue();
				client.close();
				client = SseTestClient.connect(stream("expiring.feed"), lastEventId, basic("alice"));
				assertThat(client.status()).isEqualTo(200);
			}
			publishing.set(false);
			List<String> ids = published.get(30, TimeUnit.SECONDS);
			Block block;
			while (received.size() < ids.size() && (block = client.next(Duration.ofSeconds(5), Block::hasData)) != null) {
				received.add(block.id());
			}
			client.close();
			assertThat(received).containsExactlyElementsOf(ids);
			assertThat(received.stream().map((id) -> EventId.parse(id).sequence()).toList())
				.containsExactlyElementsOf(LongStream.rangeClosed(1, ids.size()).boxed().toList());
		}
		finally {
			publishing.set(false);
			publisher.shutdownNow();
		}
		assertThat(connections).isGreaterThanOrEqualTo(2);
		assertThat(this.broker.statistics().getClosed(CloseReason.EXPIRED)).isGreaterThanOrEqualTo(expiredBefore + 2);
	}

	/**
	 * The application's security: form login and HTTP Basic, two users, every
	 * request authenticated, 401 for event streams; and who may read which
	 * stream.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Security {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.formLogin(Customizer.withDefaults())
				.httpBasic(Customizer.withDefaults())
				// An EventSource cannot follow a login form: tell it 401 instead.
				.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
						new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
						new MediaTypeRequestMatcher(MediaType.TEXT_EVENT_STREAM)))
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}alice-password").roles("USER").build(),
					User.withUsername("bob").password("{noop}bob-password").roles("USER").build());
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		SubscriptionListener throwingListener() {
			return new SubscriptionListener() {

				@Override
				public void started(Started started) {
					throw new IllegalStateException("listener failure");
				}

				@Override
				public void ended(Ended ended) {
					throw new IllegalStateException("listener failure");
				}

			};
		}

		@Bean
		SubscriptionAuthorizer subscriptionAuthorizer(Recorder recorder) {
			return (request) -> {
				recorder.requests.add(request);
				String user = request.principal().getName();
				if (request.stream().startsWith("user.") && !request.stream().startsWith("user." + user + ".")) {
					return SubscriptionDecision.deny("not your stream");
				}
				if (request.stream().startsWith("expiring.")) {
					return SubscriptionDecision.allowUntil(Instant.now().plusMillis(800));
				}
				return SubscriptionDecision.allow();
			};
		}

	}

	/**
	 * Records what the authorizer and the listeners were told.
	 */
	static class Recorder implements SubscriptionListener {

		final List<SubscriptionRequest> requests = new CopyOnWriteArrayList<>();

		final List<Started> started = new CopyOnWriteArrayList<>();

		final List<Ended> ended = new CopyOnWriteArrayList<>();

		@Override
		public void started(Started started) {
			this.started.add(started);
		}

		@Override
		public void ended(Ended ended) {
			this.ended.add(ended);
		}

	}

}
