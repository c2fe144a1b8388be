package dev.ssereplay.store.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

import dev.ssereplay.event.EventId;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests that run several application instances on one Redis (a
 * server, a cluster, a sentinel's master) do over HTTP: subscribe, publish,
 * read, and check what a client received across a change of the stream's
 * lifetime. The instances are {@link RedisInstancesTests.StreamsApplication}s.
 */
final class AppInstances {

	/** How long a test waits for what should come. */
	static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private AppInstances() {
	}

	/**
	 * Subscribes to a stream; a fresh subscription also waits for the priming
	 * block, after which the client has a position. An instance that cannot
	 * serve the stream yet answers with a {@code retry:} and no id, and ends the
	 * response (on a loaded machine the first subscription of an instance may
	 * not be confirmed by Redis within the command timeout): the client comes
	 * back after that delay, as a browser's {@code EventSource} does.
	 */
	static SseTestClient subscribe(ConfigurableApplicationContext instance, String stream, String lastEventId) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			SseTestClient client = SseTestClient.connect(uri(instance, "/streams/" + stream), lastEventId);
			assertThat(client.status()).isEqualTo(200);
			if (lastEventId != null) {
				return client;
			}
			Block first = client.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
					(block) -> block.id() != null || block.retry() != null);
			assertThat(first).as("the priming block, or when to come back").isNotNull();
			if (first.id() != null) {
				return client;
			}
			// Told to come back later: the stream ends after this block.
			System.out.println("Subscription to '" + stream + "' to be made again in " + first.retry() + " ms: "
					+ first.comments());
			client.close();
			pause(Long.parseLong(first.retry()));
			assertThat(System.nanoTime() - deadline).as("subscribed within " + WAIT).isNegative();
		}
	}

	/**
	 * Publishes text and returns the event's id; fails the test on any other
	 * answer than 200.
	 */
	static String publish(ConfigurableApplicationContext instance, String stream, String data) {
		HttpResponse<String> response = post(instance, stream, data);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	/**
	 * Publishes text and returns the answer, whatever it is.
	 */
	static HttpResponse<String> post(ConfigurableApplicationContext instance, String stream, String data) {
		HttpRequest request = HttpRequest.newBuilder(uri(instance, "/streams/" + stream))
			.header("Content-Type", "text/plain;charset=UTF-8")
			.POST(HttpRequest.BodyPublishers.ofString(data))
			.build();
		return send(request);
	}

	/**
	 * Returns the body of a {@code GET}.
	 */
	static String get(ConfigurableApplicationContext instance, String path) {
		return send(HttpRequest.newBuilder(uri(instance, path)).GET().build()).body();
	}

	static URI uri(ConfigurableApplicationContext instance, String path) {
		return URI.create("http://127.0.0.1:" + instance.getEnvironment().getProperty("local.server.port") + path);
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Checks what a client received across a Redis that lost the stream's
	 * lifetime: events of the old lifetime from its first on, without a hole;
	 * then one resync to the new lifetime's head at the time; then that
	 * lifetime's events from there on, without a hole. Never a silent gap.
	 */
	static void assertEveryEventOrAResync(List<Block> received, long oldEpoch, long newEpoch) {
		int resync = -1;
		for (int i = 0; i < received.size(); i++) {
			if ("resync".equals(received.get(i).event())) {
				assertThat(resync).as("one resync event").isEqualTo(-1);
				resync = i;
			}
		}
		assertThat(resync).as("a resync event in " + received).isPositive();
		Block told = received.get(resync);
		assertThat(told.data()).contains("\"reason\":\"other-epoch\"");
		EventId position = EventId.parse(told.id());
		assertThat(position.epoch()).isEqualTo(newEpoch);
		for (int i = 0; i < resync; i++) {
			assertThat(EventId.parse(received.get(i).id())).isEqualTo(new EventId(oldEpoch, i + 1));
		}
		for (int i = resync + 1; i < received.size(); i++) {
			assertThat(EventId.parse(received.get(i).id())).isEqualTo(position.next());
			position = position.next();
		}
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
