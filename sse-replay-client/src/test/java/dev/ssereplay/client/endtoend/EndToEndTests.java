package dev.ssereplay.client.endtoend;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.client.ReadyState;
import dev.ssereplay.client.SseClient;
import dev.ssereplay.client.SseEvent;
import dev.ssereplay.client.SseListener;
import dev.ssereplay.web.SseReplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client against a running sse-replay server, through a proxy that cuts the
 * connection again and again.
 */
@SpringBootTest(classes = StreamsApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.retry=50ms", "sse.replay.heartbeat.interval=1s" })
class EndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int CUTS = 8;

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Test
	void everyEventArrivesOnceAndInOrderWhileTheConnectionIsCutAgainAndAgain() throws Exception {
		String stream = "cut-again-and-again";
		Log log = new Log();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (CuttingProxy proxy = new CuttingProxy(this.port);
				SseClient client = SseClient.builder(URI.create("http://127.0.0.1:" + proxy.port() + "/streams/" + stream))
					.maxReconnectDelay(Duration.ofMillis(400))
					.backoffResetAfter(Duration.ofMillis(100))
					.listener(log)
					.build()) {
			client.start();
			// Publishing starts once the client holds a position, as an application
			// would rely on: from then on nothing may be missed.
			await().atMost(WAIT).until(() -> !client.lastEventId().isEmpty());
			String primingId = client.lastEventId();
			AtomicBoolean publishing = new AtomicBoolean(true);
			Future<List<String>> published = executor.submit(() -> publishUntilStopped(stream, publishing));
			for (int cut = 1; cut <= CUTS; cut++) {
				int opened = cut;
				await().atMost(WAIT).until(() -> log.opens() == opened);
				int seen = log.events().size();
				await().atMost(WAIT).until(() -> log.events().size() > seen);
				proxy.cut();
			}
			await().atMost(WAIT).until(() -> log.opens() == CUTS + 1);
			publishing.set(false);
			List<String> ids = published.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> log.events().size() >= ids.size());

			List<SseEvent> received = log.events();
			assertThat(received).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			List<String> data = new ArrayList<>();
			for (int i = 0; i < ids.size(); i++) {
				data.add("event-" + i);
			}
			assertThat(received).extracting(SseEvent::data).containsExactlyElementsOf(data);
			assertThat(log.resyncs).isEmpty();
			assertThat(log.errors).hasSize(CUTS);
			assertThat(client.readyState()).isEqualTo(ReadyState.OPEN);
			assertThat(proxy.connections()).isEqualTo(CUTS + 1);
			assertThat(proxy.lastEventIds()).isEqualTo(log.expectedLastEventIds(primingId));
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void forceReconnectReplaysFromTheChosenId() throws Exception {
		String stream = "force-reconnect";
		Log log = new Log();
		try (SseClient client = SseClient.builder(streamUri(stream)).listener(log).build()) {
			client.start();
			await().atMost(WAIT).until(() -> !client.lastEventId().isEmpty());
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				ids.add(this.sseReplay.publish(stream, "event-" + i));
			}
			await().atMost(WAIT).until(() -> log.events().size() == 5);
			client.forceReconnect(ids.get(1));
			await().atMost(WAIT).until(() -> log.events().size() == 8);
			assertThat(log.events().subList(5, 8)).extracting(SseEvent::data)
				.containsExactly("event-2", "event-3", "event-4");
			assertThat(log.events().subList(5, 8)).extracting(SseEvent::id).isEqualTo(ids.subList(2, 5));
			assertThat(client.lastEventId()).isEqualTo(ids.get(4));
			assertThat(log.errors).isEmpty();
			assertThat(log.resyncs).isEmpty();
		}
	}

	@Test
	void aPositionTheServerCannotServeIsSurfacedAsResync() throws Exception {
		String stream = "resync";
		Log log = new Log();
		String head = this.sseReplay.publish(stream, "before");
		try (SseClient client = SseClient.builder(streamUri(stream)).lastEventId("no-such-epoch-1")
			.listener(log)
			.build()) {
			client.start();
			await().atMost(WAIT).until(() -> log.resyncs.size() == 1);
			SseEvent resync = log.resyncs.get(0);
			assertThat(resync.name()).isEqualTo("resync");
			assertThat(resync.id()).isEqualTo(head);
			assertThat(resync.data()).isNotEmpty();
			String live = this.sseReplay.publish(stream, "after");
			await().atMost(WAIT).until(() -> log.events().size() == 1);
			assertThat(log.events()).containsExactly(new SseEvent(live, "message", "after"));
		}
	}

	@Test
	void aStreamThatEndsClosesTheClientAfterItsFinalEventThroughACut() throws Exception {
		String stream = "answer";
		Log log = new Log();
		try (CuttingProxy proxy = new CuttingProxy(this.port);
				SseClient client = SseClient.builder(URI.create("http://127.0.0.1:" + proxy.port() + "/streams/" + stream))
					.maxReconnectDelay(Duration.ofMillis(400))
					.listener(log)
					.build()) {
			client.start();
			await().atMost(WAIT).until(() -> !client.lastEventId().isEmpty());
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				ids.add(this.sseReplay.publish(stream, "token-" + i));
			}
			await().atMost(WAIT).until(() -> log.events().size() >= 5);
			proxy.cut();
			for (int i = 10; i < 20; i++) {
				ids.add(this.sseReplay.publish(stream, "token-" + i));
			}
			String end = this.sseReplay.complete(stream);
			// The rest, the final event, the end of the response; the reconnect gets 204.
			await().atMost(WAIT).until(() -> client.readyState() == ReadyState.CLOSED);
			List<SseEvent> received = log.events();
			assertThat(received.subList(0, 20)).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(received.get(20).id()).isEqualTo(end);
			assertThat(received.get(20).name()).isEqualTo("complete");
			assertThat(received).hasSize(21);
			assertThat(client.lastEventId()).isEqualTo(end);
			assertThat(proxy.lastEventIds()).last().isEqualTo(end);
		}
	}

	private URI streamUri(String stream) {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/" + stream);
	}

	private List<String> publishUntilStopped(String stream, AtomicBoolean publishing) throws InterruptedException {
		List<String> ids = new ArrayList<>();
		while (publishing.get()) {
			ids.add(this.sseReplay.publish(stream, "event-" + ids.size()));
			Thread.sleep(2);
		}
		// A few more once the cuts are over, so the last connection carries some too.
		for (int i = 0; i < 5; i++) {
			ids.add(this.sseReplay.publish(stream, "event-" + ids.size()));
		}
		return ids;
	}

	/**
	 * Records what the client reports, in the order it reports it: all of one
	 * connection's events come before the next connection opens.
	 */
	private static final class Log implements SseListener {

		private final List<Object> entries = new CopyOnWriteArrayList<>();

		final List<SseEvent> resyncs = new CopyOnWriteArrayList<>();

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		@Override
		public void onEvent(SseEvent event) {
			this.entries.add(event);
		}

		@Override
		public void onResync(SseEvent event) {
			this.resyncs.add(event);
		}

		@Override
		public void onOpen() {
			this.entries.add(ReadyState.OPEN);
		}

		@Override
		public void onError(Throwable error) {
			this.errors.add(error);
		}

		List<SseEvent> events() {
			List<SseEvent> events = new ArrayList<>();
			for (Object entry : this.entries) {
				if (entry instanceof SseEvent event) {
					events.add(event);
				}
			}
			return events;
		}

		int opens() {
			return (int) this.entries.stream().filter(ReadyState.OPEN::equals).count();
		}

		/**
		 * Returns the Last-Event-ID each connection should have sent: none for the
		 * first, then the id of the last event received before it opened.
		 */
		List<String> expectedLastEventIds(String primingId) {
			List<String> expected = new ArrayList<>();
			String last = primingId;
			for (Object entry : this.entries) {
				if (entry instanceof SseEvent event) {
					last = event.id();
				}
				else {
					expected.add(expected.isEmpty() ? null : last);
				}
			}
			return expected;
		}

	}

}
