package dev.ssereplay.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.reactivestreams.FlowAdapters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StreamCompletedException;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Streams that end, over HTTP on a real server: the final event, the end of the
 * response, 204 for a client with nothing left, 409 for a late publish, and
 * sources published with {@link SseReplay#publishAll}.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.heartbeat.interval=300ms", "sse.replay.retry=1500ms" })
class EndingStreamEndToEndTests {

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

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void aCompletedStreamEndsTheResponseAndThenAnswersNoContent() throws Exception {
		String first = this.sseReplay.publish("answer-1", "Hello");
		try (SseTestClient client = SseTestClient.connect(uri("/streams/answer-1"), first)) {
			assertThat(client.status()).isEqualTo(200);
			String second = this.sseReplay.publish("answer-1", "world");
			HttpResponse<String> completed = send(
					HttpRequest.newBuilder(uri("/streams/answer-1/complete")).POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(completed.statusCode()).isEqualTo(200);
			List<Block> events = client.events(2, WAIT);
			assertThat(events).extracting(Block::id).first().isEqualTo(second);
			Block last = events.get(1);
			assertThat(last.event()).isEqualTo("complete");
			assertThat(last.data()).isEqualTo("{\"reason\":\"completed\"}");
			assertThat(completed.body()).contains(last.id());
			await().atMost(WAIT).until(client::ended);
			// A browser that reconnects with the final id, and a new one, are told to stop.
			try (SseTestClient again = SseTestClient.connect(uri("/streams/answer-1"), last.id())) {
				assertThat(again.status()).isEqualTo(204);
			}
			try (SseTestClient fresh = SseTestClient.connect(uri("/streams/answer-1"), null)) {
				assertThat(fresh.status()).isEqualTo(204);
			}
			// One that missed the end gets it, then the end of the response.
			try (SseTestClient late = SseTestClient.connect(uri("/streams/answer-1"), first)) {
				assertThat(late.status()).isEqualTo(200);
				assertThat(late.events(2, WAIT)).extracting(Block::id).containsExactly(second, last.id());
				await().atMost(WAIT).until(late::ended);
			}
		}
		HttpResponse<String> late = send(HttpRequest.newBuilder(uri("/streams/answer-1"))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("too late")));
		assertThat(late.statusCode()).isEqualTo(409);
		assertThat(late.body()).contains("has ended");
		assertThat(this.broker.statistics().getClosed(CloseReason.COMPLETED)).isGreaterThanOrEqualTo(2);
	}

	@Test
	void aDeletedStreamEndsItsConnectionsAndStartsAgainOnTheNextPublish() throws Exception {
		try (SseTestClient client = SseTestClient.connect(uri("/streams/session-1"), null)) {
			assertThat(client.next(WAIT).id()).isNotNull();
			String first = this.sseReplay.publish("session-1", "a");
			HttpResponse<Void> deleted = HTTP.send(HttpRequest.newBuilder(uri("/streams/session-1")).DELETE().build(),
					HttpResponse.BodyHandlers.discarding());
			assertThat(deleted.statusCode()).isEqualTo(204);
			List<Block> events = client.events(2, WAIT);
			assertThat(events.get(0).id()).isEqualTo(first);
			assertThat(events.get(1).data()).isEqualTo("{\"reason\":\"deleted\"}");
			await().atMost(WAIT).until(client::ended);
			try (SseTestClient again = SseTestClient.connect(uri("/streams/session-1"), first)) {
				assertThat(again.status()).isEqualTo(204);
			}
			String next = this.sseReplay.publish("session-1", "b");
			try (SseTestClient fresh = SseTestClient.connect(uri("/streams/session-1"), null)) {
				assertThat(fresh.status()).isEqualTo(200);
				assertThat(fresh.next(WAIT).id()).isEqualTo(next);
			}
		}
	}

	@Test
	void aFluxIsPublishedInOrderAndCompletesTheStream() throws Exception {
		List<String> tokens = IntStream.range(0, 300).mapToObj((i) -> "token-" + i).toList();
		try (SseTestClient client = SseTestClient.connect(uri("/streams/flux-1"), null)) {
			assertThat(client.next(WAIT).id()).isNotNull();
			Publication publication = this.sseReplay.publishAll("flux-1", "token",
					Flux.fromIterable(tokens).delayElements(Duration.ofMillis(1)));
			String end = publication.whenEnded().toCompletableFuture().get(30, TimeUnit.SECONDS);
			List<Block> events = client.events(301, WAIT);
			assertThat(events.subList(0, 300)).extracting(Block::data).containsExactlyElementsOf(tokens);
			assertThat(events.subList(0, 300)).extracting(Block::event).containsOnly("token");
			assertThat(events.get(300).id()).isEqualTo(end);
			assertThat(events.get(300).data()).isEqualTo("{\"reason\":\"completed\"}");
			await().atMost(WAIT).until(client::ended);
		}
	}

	@Test
	void anIntervalThatTicksAtOnceIsPublishedWhole() throws Exception {
		// An interval fails when it ticks before there is demand.
		try (SseTestClient client = SseTestClient.connect(uri("/streams/interval-1"), null)) {
			assertThat(client.next(WAIT).id()).isNotNull();
			Publication publication = this.sseReplay.publishAll("interval-1",
					Flux.interval(Duration.ZERO, Duration.ofMillis(2)).take(50).map((tick) -> "tick-" + tick));
			String end = publication.whenEnded().toCompletableFuture().get(30, TimeUnit.SECONDS);
			List<Block> events = client.events(51, WAIT);
			assertThat(events.subList(0, 50)).extracting(Block::data)
				.containsExactlyElementsOf(IntStream.range(0, 50).mapToObj((i) -> "tick-" + i).toList());
			assertThat(events.get(50).id()).isEqualTo(end);
			assertThat(events.get(50).data()).isEqualTo("{\"reason\":\"completed\"}");
		}
	}

	@Test
	void aFailingSourceEndsTheStreamWithAShortMessage() throws Exception {
		Flux<String> failing = Flux.concat(Flux.just("a", "b"),
				Flux.error(new IllegalStateException("model \"x\" overloaded\nat line 2")));
		Publication publication = this.sseReplay.publishAll("failing-1", failing);
		String end = publication.whenEnded().toCompletableFuture().get(30, TimeUnit.SECONDS);
		try (SseTestClient client = SseTestClient.connect(uri("/streams/failing-1"), "x")) {
			// A malformed id: the resync event, then the end.
			await().atMost(WAIT).until(client::ended);
		}
		HttpResponse<String> replay = HTTP.send(HttpRequest.newBuilder(uri("/streams/failing-1"))
			.header("Accept", "text/event-stream")
			.header("Last-Event-ID", end.substring(0, end.indexOf('-')) + "-0")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(replay.body()).contains("data: a\n").contains("data: b\n")
			.contains("id: " + end + "\nevent: complete\ndata: {\"reason\":\"failed\",\"message\":"
					+ "\"model \\\"x\\\" overloaded at line 2\"}\n\n");
	}

	@Test
	void cancellingAPublicationStopsTheSourceAndCompletesTheStream() throws Exception {
		Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
		boolean[] cancelled = new boolean[1];
		Publication publication = this.sseReplay.publishAll("cancelled-1",
				sink.asFlux().doOnCancel(() -> cancelled[0] = true));
		sink.tryEmitNext("one");
		await().atMost(WAIT).until(() -> this.store.head("cancelled-1").sequence() == 1);
		publication.cancel();
		String end = publication.whenEnded().toCompletableFuture().get(30, TimeUnit.SECONDS);
		assertThat(cancelled[0]).isTrue();
		HttpResponse<String> replay = HTTP.send(HttpRequest.newBuilder(uri("/streams/cancelled-1"))
			.header("Accept", "text/event-stream")
			.header("Last-Event-ID", end.substring(0, end.indexOf('-')) + "-0")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(replay.body()).endsWith("id: " + end + "\nevent: complete\ndata: {\"reason\":\"cancelled\"}\n\n");
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> this.sseReplay.publish("cancelled-1", "late"));
	}

	@Test
	void deletingAStreamStopsTheSourcePublishedToIt() throws Exception {
		boolean[] cancelled = new boolean[1];
		Publication publication = this.sseReplay.publishAll("deleted-1",
				Flux.interval(Duration.ofMillis(5)).map((n) -> "n" + n).doOnCancel(() -> cancelled[0] = true));
		await().atMost(WAIT).until(() -> this.store.head("deleted-1").sequence() >= 5);
		this.sseReplay.delete("deleted-1");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> publication.whenEnded().toCompletableFuture().get(30, TimeUnit.SECONDS))
			.withCauseInstanceOf(StreamCompletedException.class);
		assertThat(cancelled[0]).isTrue();
		Thread.sleep(200);
		// Nothing was published after the deletion, which would have started the stream again.
		assertThat(this.store.status("deleted-1").deleted()).isTrue();
	}

	@Test
	void anyReactiveStreamsPublisherCanBeTheSource() throws Exception {
		SubmissionPublisher<String> source = new SubmissionPublisher<>();
		Publication publication = this.sseReplay.publishAll("plain-1", FlowAdapters.toPublisher(source));
		await().atMost(WAIT).until(() -> source.getNumberOfSubscribers() == 1);
		for (int i = 0; i < 100; i++) {
			source.submit("n" + i);
		}
		source.close();
		String end = publication.whenEnded().toCompletableFuture().get(30, TimeUnit.SECONDS);
		assertThat(end).endsWith("-101");
		assertThat(publication.stream()).isEqualTo("plain-1");
	}

}
