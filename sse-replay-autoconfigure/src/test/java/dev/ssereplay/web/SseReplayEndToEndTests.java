package dev.ssereplay.web;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.broker.SlowConnectionPolicy;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter in a real server on a random port, read by real HTTP clients.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.heartbeat.interval=300ms", "sse.replay.store.max-events-per-stream=300",
				"sse.replay.connection.queue-depth=64", "sse.replay.retry=1500ms",
				"management.endpoints.web.exposure.include=health,metrics" })
class SseReplayEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	@Autowired
	private MeterRegistry meters;

	private URI stream(String name) {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/" + name);
	}

	@Test
	void freshConnectFirstWritesTheHeadIdWithoutData() {
		String head = this.sseReplay.publish("fresh", "before");
		try (SseTestClient client = SseTestClient.connect(stream("fresh"), null)) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.contentType()).startsWith("text/event-stream");
			assertThat(client.header("Cache-Control")).isEqualTo("no-cache");
			assertThat(client.header("X-Accel-Buffering")).isEqualTo("no");
			Block first = client.next(WAIT);
			assertThat(first).isEqualTo(new Block(head, null, null, "1500", List.of()));
			String live = this.sseReplay.publish("fresh", "after");
			assertThat(client.events(1, WAIT)).extracting(Block::id, Block::data).containsExactly(
					org.assertj.core.groups.Tuple.tuple(live, "after"));
		}
	}

	@Test
	void reconnectingRepeatedlyWhilePublishingDeliversEveryEventOnceInOrder() throws Exception {
		int total = 400;
		List<Block> received = new ArrayList<>();
		SseTestClient client = SseTestClient.connect(stream("resume"), null);
		// The priming block: the position before the first event.
		String lastEventId = client.next(WAIT).id();
		assertThat(lastEventId).endsWith("-0");
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = publisher.submit(() -> {
				for (int i = 1; i <= total; i++) {
					post("resume", "event " + i);
					if (i % 20 == 0) {
						sleep(15);
					}
				}
				return null;
			});
			int connections = 1;
			long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
			while (received.size() < total && System.nanoTime() < deadline) {
				int taken = 0;
				Block block;
				while (taken < 25 && received.size() < total && (block = client.next(WAIT, Block::hasData)) != null) {
					assertThat(block.event()).as("no resync while history lasts").isNull();
					lastEventId = block.id();
					received.add(block);
					taken++;
				}
				client.close();
				if (received.size() < total) {
					client = SseTestClient.connect(stream("resume"), lastEventId);
					connections++;
				}
			}
			publishing.get(60, TimeUnit.SECONDS);
			assertThat(connections).isGreaterThan(10);
			assertThat(received).extracting(Block::sequence)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
			assertThat(received).extracting(Block::data)
				.containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, total)
					.mapToObj((i) -> "event " + i)
					.toList());
		}
		finally {
			client.close();
			publisher.shutdownNow();
		}
	}

	@Test
	void anEvictedIdGetsTheResyncEventThenLiveEvents() {
		String old = this.sseReplay.publish("evicted", "first");
		for (int i = 0; i < 310; i++) {
			this.sseReplay.publish("evicted", "filler " + i);
		}
		String head = this.sseReplay.publish("evicted", "last");
		try (SseTestClient client = SseTestClient.connect(stream("evicted"), old)) {
			Block resync = client.next(WAIT, Block::hasData);
			assertThat(resync.event()).isEqualTo("resync");
			assertThat(resync.id()).isEqualTo(head);
			assertThat(resync.data()).isEqualTo("{\"reason\":\"evicted\",\"head\":\"" + head + "\"}");
			String live = this.sseReplay.publish("evicted", "live");
			assertThat(client.next(WAIT, Block::hasData).id()).isEqualTo(live);
		}
	}

	@Test
	void hostileLastEventIdsGetAResyncNeverAServerError() {
		String other = this.sseReplay.publish("elsewhere", "x");
		String head = this.sseReplay.publish("hostile", "x");
		for (String id : List.of("junk", other, "zz-999999999999999999", "1-" + "9".repeat(40), "%00", "-",
				"\u00e9t\u00e9-1")) {
			try (SseTestClient client = SseTestClient.connect(stream("hostile"), id)) {
				assertThat(client.status()).as(id).isEqualTo(200);
				Block resync = client.next(WAIT, Block::hasData);
				assertThat(resync.event()).as(id).isEqualTo("resync");
				assertThat(resync.id()).isEqualTo(head);
			}
		}
	}

	@Test
	void theQueryParameterServesAFirstConnectThatCannotSetTheHeader() {
		String first = this.sseReplay.publish("query", "one");
		String second = this.sseReplay.publish("query", "two");
		URI uri = URI.create(stream("query") + "?last_event_id=" + first);
		try (SseTestClient client = SseTestClient.connect(uri, null)) {
			Block block = client.next(WAIT, Block::hasData);
			assertThat(block.id()).isEqualTo(second);
			assertThat(block.data()).isEqualTo("two");
		}
	}

	@Test
	void badStreamNamesGetA400WithAClearMessage() throws Exception {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/streams/bad%20name")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Invalid stream name 'bad name'");
		HttpResponse<String> tooLong = HTTP.send(HttpRequest.newBuilder(stream("x".repeat(129))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(tooLong.statusCode()).isEqualTo(400);
	}

	@Test
	void oversizedEventsGetA413AndAreNotStored() throws Exception {
		String before = this.sseReplay.publish("big", "small");
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stream("big"))
			.POST(HttpRequest.BodyPublishers.ofString("x".repeat(1024 * 1024 + 1)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("sse.replay.max-event-size");
		assertThat(this.sseReplay.publish("big", "next")).endsWith("-" + (sequence(before) + 1));
	}

	@Test
	void anOrdinaryJsonSnapshotIsNotTooLarge() throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stream("snapshot"))
			.POST(HttpRequest.BodyPublishers.ofString("{\"rows\":\"" + "r".repeat(73 * 1024) + "\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void heartbeatsArriveOnAnIdleStream() {
		try (SseTestClient client = SseTestClient.connect(stream("idle"), null)) {
			assertThat(client.next(WAIT, Block::isComment).comments()).containsExactly("heartbeat");
			assertThat(client.next(WAIT, Block::isComment).comments()).containsExactly("heartbeat");
		}
	}

	@Test
	void aClientThatStopsReadingDelaysNoOneAndIsClosedByThePolicy() throws Exception {
		long slowClosedBefore = this.broker.statistics().getClosed(CloseReason.SLOW);
		long droppedBefore = this.broker.statistics().getDropped(SlowConnectionPolicy.CLOSE);
		String payload = "p".repeat(8 * 1024);
		try (SseTestClient reader = SseTestClient.connect(stream("stuck"), null);
				Socket stuck = SseTestClient.stopReading(stream("stuck"))) {
			assertThat(stuck.isConnected()).isTrue();
			await().atMost(WAIT).until(() -> this.broker.connectionCount() >= 2);
			int events = 1500;
			List<Block> received = new ArrayList<>();
			for (int i = 0; i < events; i += 10) {
				for (int j = 0; j < 10; j++) {
					this.sseReplay.publish("stuck", payload);
				}
				// Paced by the reader, which is never slow however loaded the machine is;
				// the other client never reads at all.
				received.addAll(reader.events(10, WAIT));
			}
			assertThat(received).hasSize(events);
			assertThat(received).extracting(Block::data).containsOnly(payload);
			await().atMost(WAIT)
				.until(() -> this.broker.statistics().getClosed(CloseReason.SLOW) > slowClosedBefore);
			assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.CLOSE)).isGreaterThan(droppedBefore);
			assertThat(reader.ended()).isFalse();
		}
	}

	@Test
	void metricsMoveAsEventsFlow() throws Exception {
		double published = counter("sse.replay.events.published");
		double delivered = counter("sse.replay.events.delivered");
		double replayed = counter("sse.replay.events.replayed");
		double resyncs = this.meters.get("sse.replay.resyncs").tag("reason", "malformed").functionCounter().count();
		String first = this.sseReplay.publish("metrics", "1");
		this.sseReplay.publish("metrics", "2");
		try (SseTestClient live = SseTestClient.connect(stream("metrics"), null);
				SseTestClient resumed = SseTestClient.connect(stream("metrics"), first);
				SseTestClient junk = SseTestClient.connect(stream("metrics"), "junk")) {
			assertThat(resumed.events(1, WAIT)).hasSize(1);
			assertThat(junk.events(1, WAIT)).hasSize(1);
			await().atMost(WAIT).until(() -> gauge("sse.replay.connections") >= 3);
			this.sseReplay.publish("metrics", "3");
			assertThat(live.events(1, WAIT)).hasSize(1);
			await().atMost(WAIT).until(() -> counter("sse.replay.events.delivered") >= delivered + 3);
			assertThat(counter("sse.replay.events.published")).isGreaterThanOrEqualTo(published + 3);
			assertThat(counter("sse.replay.events.replayed")).isGreaterThanOrEqualTo(replayed + 1);
			assertThat(this.meters.get("sse.replay.resyncs").tag("reason", "malformed").functionCounter().count())
				.isGreaterThanOrEqualTo(resyncs + 1);
			assertThat(gauge("sse.replay.store.events")).isPositive();
			assertThat(gauge("sse.replay.store.bytes")).isPositive();
			HttpResponse<String> actuator = HTTP.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/metrics/sse.replay.connections"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(actuator.statusCode()).isEqualTo(200);
			assertThat(actuator.body()).contains("\"name\":\"sse.replay.connections\"");
		}
		await().atMost(WAIT).until(() -> this.broker.statistics().getResyncs(ResyncReason.MALFORMED) > 0);
	}

	private double counter(String name) {
		return this.meters.get(name).functionCounter().count();
	}

	private double gauge(String name) {
		return this.meters.get(name).gauge().value();
	}

	private String post(String name, String data) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(stream(name)).POST(HttpRequest.BodyPublishers.ofString(data)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		String body = response.body();
		return body.substring(body.indexOf(":\"") + 2, body.lastIndexOf('"'));
	}

	private static long sequence(String id) {
		return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}


}
