package dev.ssereplay.client;

import java.io.EOFException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link SseClient} against a {@link RawServer}: fragments, cuts, odd answers and
 * silence, each checked on what the server saw and what the client delivered.
 */
class SseClientTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private RawServer server;

	private SseClient client;

	@AfterEach
	void cleanUp() throws Exception {
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void receivesEventsSentInOddFragments() throws Exception {
		this.server = new RawServer((exchange) -> {
			exchange.eventStream()
				.fragments(bytes(0xEF, 0xBB), bytes(0xBF, 'd', 'a'), utf8("ta: h"), bytes(0xC3),
						bytes(0xA9, 'l', 'l', 'o', '\r'), utf8("\n\r"), utf8("\nid: 2\revent: add\rdata: \u20ac"),
						bytes(0xF0, 0x9D), bytes(0x84, 0x9E, '\r', '\r'), utf8(": heartbeat\n"),
						utf8("data: a\r\ndata: b\r"), utf8("\n\r"), utf8("\n"))
				.awaitClientGone();
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 3);
		assertThat(listener.events).containsExactly(new SseEvent("", "message", "h\u00e9llo"),
				new SseEvent("2", "add", "\u20ac\uD834\uDD1E"), new SseEvent("2", "message", "a\nb"));
		assertThat(this.client.lastEventId()).isEqualTo("2");
		assertThat(this.client.readyState()).isEqualTo(ReadyState.OPEN);
		assertThat(listener.opens).hasValue(1);
		assertThat(listener.errors).isEmpty();
		assertThat(listener.overlaps).hasValue(0);
	}

	@Test
	void sendsEventStreamHeadersExtraHeadersAndTheInitialLastEventId() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream().awaitClientGone());
		this.client = fastClient().header("Authorization", "Bearer token").lastEventId("k2x9f3-7").build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 1);
		RawServer.Exchange exchange = this.server.exchanges().get(0);
		assertThat(exchange.requestLine()).startsWith("GET /events ");
		assertThat(exchange.header("Accept")).isEqualTo("text/event-stream");
		assertThat(exchange.header("Cache-Control")).isEqualTo("no-cache");
		assertThat(exchange.header("Authorization")).isEqualTo("Bearer token");
		assertThat(exchange.header("Last-Event-ID")).isEqualTo("k2x9f3-7");
	}

	@Test
	void reconnectsWithTheLastEventIdAndDiscardsTheEventCutOff() throws Exception {
		this.server = new RawServer((exchange) -> {
			switch (exchange.index) {
				case 0 -> exchange.eventStream().fragments(utf8("id: 1\ndata: a\n\nid: 2\nda"), utf8("ta: b"));
				case 1 -> exchange.eventStream().write("id: 2\ndata: b\n\nid: 3\ndata: c\n").write("\n").awaitClientGone();
				default -> exchange.status(500, null);
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 3);
		assertThat(listener.events).containsExactly(new SseEvent("1", "message", "a"),
				new SseEvent("2", "message", "b"), new SseEvent("3", "message", "c"));
		assertThat(this.server.lastEventIds()).containsExactly(null, "1");
		assertThat(listener.errors).singleElement().isInstanceOf(EOFException.class);
		assertThat(listener.opens).hasValue(2);
		assertThat(this.client.readyState()).isEqualTo(ReadyState.OPEN);
	}

	@Test
	void idOnlyBlockMovesThePositionWithoutAnEvent() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 10\nid: k2x9f3-17\n\n");
			}
			else {
				exchange.eventStream().awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 2);
		assertThat(this.server.lastEventIds()).containsExactly(null, "k2x9f3-17");
		assertThat(listener.events).isEmpty();
	}

	@Test
	void emptyIdClearsThePosition() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("id: 5\ndata: a\n\nid:\n\n");
			}
			else {
				exchange.eventStream().awaitClientGone();
			}
		});
		this.client = fastClient().lastEventId("3").build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 2);
		assertThat(this.server.lastEventIds()).containsExactly("3", null);
		assertThat(this.client.lastEventId()).isEmpty();
	}

	@Test
	void serverRetryBecomesTheBaseDelay() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 20\nretry: 2x\n\n");
			}
			else {
				exchange.eventStream().awaitClientGone();
			}
		});
		// Without the server's retry the client would wait a minute.
		this.client = fastClient().reconnectDelay(Duration.ofMinutes(1)).build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 2);
		assertThat(this.client.reconnectDelayMillis()).isEqualTo(20);
	}

	@Test
	void aServerRetryIsCappedByTheMaximumReconnectDelay() throws Exception {
		this.server = new RawServer((exchange) -> {
			switch (exchange.index) {
				// Three years, then more than a long can hold.
				case 0 -> exchange.eventStream().write("retry: 99999999999\n\n");
				case 1 -> exchange.eventStream().write("retry: 99999999999999999999999\n\n");
				default -> exchange.eventStream().awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().maxReconnectDelay(Duration.ofMillis(200)).listener(listener).build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 3);
		assertThat(this.client.reconnectDelayMillis()).isEqualTo(200);
		assertThat(listener.errors).hasSize(2).allSatisfy((error) -> assertThat(error).isInstanceOf(EOFException.class));
		assertThat(this.client.readyState()).isNotEqualTo(ReadyState.CLOSED);
	}

	@Test
	void stopsForGoodOnNoContent() throws Exception {
		this.server = new RawServer((exchange) -> exchange.status(204, null));
		RecordingListener listener = new RecordingListener();
		TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
		this.client = fastClient().listener(listener).build();
		this.client.subscribe(subscriber);
		this.client.start();
		assertThat(subscriber.terminated.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(subscriber.completions).hasValue(1);
		assertThat(subscriber.error).hasValue(null);
		assertThat(this.client.readyState()).isEqualTo(ReadyState.CLOSED);
		assertThat(listener.closes).hasValue(1);
		assertThat(listener.errors).isEmpty();
		// Would have reconnected within 20 ms.
		Thread.sleep(300);
		assertThat(this.server.connections()).isEqualTo(1);
		this.client.forceReconnect();
		assertThat(this.server.connections()).isEqualTo(1);
	}

	@Test
	void reportsAnErrorStatusAndBacksOff() throws Exception {
		this.server = new RawServer((exchange) -> exchange.status(500, "text/html")
			.write("<html><body>Internal Server Error</body></html>"));
		RecordingListener listener = new RecordingListener();
		this.client = SseClient.builder(this.server.uri())
			.reconnectDelay(Duration.ofMillis(50))
			.maxReconnectDelay(Duration.ofMillis(400))
			.jitter(0)
			.listener(listener)
			.build()
			.start();
		await().atMost(WAIT).until(() -> this.server.connections() >= 6);
		List<RawServer.Exchange> exchanges = this.server.exchanges();
		long[] expectedDelays = { 50, 100, 200, 400, 400 };
		for (int i = 0; i < expectedDelays.length; i++) {
			long gap = exchanges.get(i + 1).acceptedAtNanos - exchanges.get(i).acceptedAtNanos;
			// A timer never fires early, so each gap is at least the delay.
			assertThat(TimeUnit.NANOSECONDS.toMillis(gap)).as("gap after attempt %d", i)
				.isGreaterThanOrEqualTo(expectedDelays[i]);
		}
		assertThat(listener.errors).isNotEmpty().allSatisfy((error) -> {
			assertThat(error).isInstanceOf(SseResponseException.class);
			assertThat(((SseResponseException) error).statusCode()).isEqualTo(500);
		});
		assertThat(listener.opens).hasValue(0);
		assertThat(this.client.readyState()).isNotEqualTo(ReadyState.OPEN).isNotEqualTo(ReadyState.CLOSED);
	}

	@Test
	void reportsAWrongContentTypeAndRetries() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.status(200, "text/html; charset=utf-8").write("data: not an event stream\n\n");
			}
			else {
				exchange.status(200, "Text/Event-Stream; charset=UTF-8").write("data: ok\n\n").awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(listener.data()).containsExactly("ok");
		assertThat(listener.errors).singleElement().isInstanceOfSatisfying(SseResponseException.class, (error) -> {
			assertThat(error.statusCode()).isEqualTo(200);
			assertThat(error.contentType()).hasValue("text/html; charset=utf-8");
		});
	}

	@Test
	void retryPolicyCanGiveUp() throws Exception {
		this.server = new RawServer((exchange) -> exchange.status(404, "text/plain").write("no such stream"));
		RecordingListener listener = new RecordingListener();
		TestSubscriber subscriber = new TestSubscriber(1);
		this.client = fastClient().retryPolicy((error) -> error.statusCode() >= 500).listener(listener).build();
		this.client.subscribe(subscriber);
		this.client.start();
		assertThat(subscriber.terminated.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(subscriber.error.get()).isInstanceOfSatisfying(SseResponseException.class,
				(error) -> assertThat(error.statusCode()).isEqualTo(404));
		assertThat(this.client.readyState()).isEqualTo(ReadyState.CLOSED);
		await().atMost(WAIT).until(() -> listener.closes.get() == 1);
		assertThat(listener.errors).singleElement().isInstanceOf(SseResponseException.class);
		Thread.sleep(200);
		assertThat(this.server.connections()).isEqualTo(1);
	}

	@Test
	void readTimeoutReconnectsFromTheLastEventId() throws Exception {
		this.server = new RawServer((exchange) -> {
			// Then silence, with the connection left open.
			exchange.eventStream().write("id: 1\ndata: a\n\n").awaitClientGone();
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().readTimeout(Duration.ofMillis(300)).listener(listener).build().start();
		await().atMost(WAIT).until(() -> this.server.connections() >= 2);
		assertThat(this.server.lastEventIds().subList(0, 2)).containsExactly(null, "1");
		assertThat(listener.errors.get(0)).isInstanceOf(HttpTimeoutException.class);
		// The silent connection was dropped, not left open beside the new one.
		assertThat(this.server.exchanges().get(0).clientGone(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void readTimeoutCoversAServerThatNeverAnswers() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.awaitClientGone();
			}
			else {
				exchange.eventStream().write("data: at last\n\n").awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().readTimeout(Duration.ofMillis(300)).listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(this.server.connections()).isEqualTo(2);
		assertThat(listener.errors).singleElement().isInstanceOf(HttpTimeoutException.class);
	}

	@Test
	void heartbeatsKeepASlowStreamOpen() throws Exception {
		this.server = new RawServer((exchange) -> {
			exchange.eventStream();
			for (int i = 0; i < 40; i++) {
				exchange.write(":\n");
				Thread.sleep(50);
			}
			exchange.write("data: still here\n\n").awaitClientGone();
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().readTimeout(Duration.ofMillis(1000)).listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(this.server.connections()).isEqualTo(1);
		assertThat(listener.errors).isEmpty();
	}

	@Test
	void resyncIsSurfacedOnItsOwn() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream()
			.write("retry: 3000\nid: e-9\n\nevent: resync\ndata: gone\nid: e-9\n\nid: e-10\ndata: live\n\n")
			.awaitClientGone());
		RecordingListener listener = new RecordingListener();
		TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
		this.client = fastClient().listener(listener).build();
		this.client.subscribe(subscriber);
		this.client.start();
		await().atMost(WAIT).until(() -> subscriber.items.size() == 2);
		assertThat(listener.resyncs).containsExactly(new SseEvent("e-9", "resync", "gone"));
		assertThat(listener.events).containsExactly(new SseEvent("e-10", "message", "live"));
		assertThat(subscriber.items).containsExactly(new SseEvent("e-9", "resync", "gone"),
				new SseEvent("e-10", "message", "live"));
	}

	@Test
	void resyncEventNameIsConfigurable() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream()
			.write("event: reset\ndata: 1\n\nevent: resync\ndata: 2\n\n")
			.awaitClientGone());
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().resyncEventName("reset").listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(listener.resyncs).extracting(SseEvent::name).containsExactly("reset");
		assertThat(listener.events).extracting(SseEvent::name).containsExactly("resync");
	}

	@Test
	void forceReconnectResumesFromTheChosenId() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n");
			}
			else {
				exchange.eventStream().write("id: 9\ndata: z\n\n");
			}
			exchange.awaitClientGone();
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 3);
		this.client.forceReconnect("1");
		await().atMost(WAIT).until(() -> listener.events.size() == 4);
		this.client.forceReconnect();
		await().atMost(WAIT).until(() -> this.server.connections() == 3);
		this.client.forceReconnect("");
		await().atMost(WAIT).until(() -> this.server.connections() == 4);
		assertThat(this.server.lastEventIds()).containsExactly(null, "1", "9", null);
		// A forced reconnection is not an error, and each one dropped the previous
		// connection.
		assertThat(listener.errors).isEmpty();
		for (RawServer.Exchange exchange : this.server.exchanges().subList(0, 3)) {
			assertThat(exchange.clientGone(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.client.failures()).isZero();
	}

	@Test
	void forceReconnectRejectsAnIdAHeaderCannotCarry() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream().awaitClientGone());
		this.client = fastClient().build();
		assertThatIllegalStateException().isThrownBy(() -> this.client.forceReconnect("1"));
		this.client.start();
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.forceReconnect("a\nb"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.forceReconnect("\u00e9"));
	}

	@Test
	void aLineLongerThanTheMaximumEventSizeFailsTheConnectionWhileItIsReadAndItResumes() throws Exception {
		long endless = 64L << 20;
		AtomicLong written = new AtomicLong();
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("id: 1\ndata: a\n\ndata: ");
				byte[] chunk = new byte[64 * 1024];
				Arrays.fill(chunk, (byte) 'x');
				// Fails once the client is gone.
				while (written.get() < endless) {
					exchange.write(chunk);
					written.addAndGet(chunk.length);
				}
				exchange.awaitClientGone();
			}
			else {
				exchange.eventStream().write("id: 2\ndata: b\n\n").awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 2);
		assertThat(listener.data()).containsExactly("a", "b");
		assertThat(listener.errors).singleElement()
			.isInstanceOfSatisfying(ProtocolException.class, (error) -> assertThat(error)
				.hasMessageContaining("1048576 bytes")
				.hasMessageContaining("maxEventSize"));
		assertThat(this.server.lastEventIds()).containsExactly(null, "1");
		// The line was refused while it arrived, not buffered to its end.
		assertThat(written.get()).isLessThan(endless);
	}

	@Test
	void maxEventSizeIsConfigurable() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream()
			.write("data: " + "x".repeat((exchange.index == 0) ? 101 : 100) + "\n\n")
			.awaitClientGone());
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().maxEventSize(100).listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(listener.data()).containsExactly("x".repeat(100));
		assertThat(listener.errors).singleElement()
			.isInstanceOfSatisfying(ProtocolException.class,
					(error) -> assertThat(error).hasMessageContaining("(100 bytes)").hasMessageContaining("maxEventSize"));
		assertThatIllegalArgumentException().isThrownBy(() -> fastClient().maxEventSize(0))
			.withMessageContaining("maxEventSize");
	}

	@Test
	void anIdFromTheServerThatAHeaderCannotCarryKeepsTheLastOneThatItCan() throws Exception {
		this.server = new RawServer((exchange) -> {
			switch (exchange.index) {
				case 0 -> exchange.eventStream().write("id: 1\ndata: a\n\nid: caf\u00e9\ndata: b\n\ndata: c\n\n");
				// The HttpClient would send " 3" as "3".
				case 1 -> exchange.eventStream().write("id: 2\ndata: d\n\nid:  3\ndata: e\n\n");
				default -> exchange.eventStream().awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 3);
		await().atMost(WAIT).until(() -> listener.errors.size() == 2);
		assertThat(listener.events).containsExactly(new SseEvent("1", "message", "a"),
				new SseEvent("caf\u00e9", "message", "b"), new SseEvent("caf\u00e9", "message", "c"),
				new SseEvent("2", "message", "d"), new SseEvent(" 3", "message", "e"));
		assertThat(this.server.lastEventIds()).containsExactly(null, "1", "2");
		assertThat(listener.errors).allSatisfy((error) -> assertThat(error).isInstanceOf(EOFException.class));
		assertThat(this.client.lastEventId()).isEqualTo("2");
		assertThat(this.client.readyState()).isEqualTo(ReadyState.OPEN);
		// Once per id, not for each event that carries it.
		assertThat(listener.unsendableIds).containsExactly(List.of("caf\u00e9", "1"), List.of(" 3", "2"));
		assertThat(listener.overlaps).hasValue(0);
	}

	@Test
	void anIdWithASpaceAtEitherEndIsRefusedWhereTheApplicationGivesIt() {
		URI uri = URI.create("http://127.0.0.1:1/events");
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).lastEventId(" 1"))
			.withMessageContaining("space");
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).lastEventId("1 "));
		assertThat(SseClient.builder(uri).lastEventId("a b").build().lastEventId()).isEqualTo("a b");
	}

	@Test
	void closeIsIdempotentAndStopsReconnecting() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream().write("data: a\n\n").awaitClientGone());
		RecordingListener listener = new RecordingListener();
		TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
		this.client = fastClient().listener(listener).build();
		assertThat(this.client.readyState()).isEqualTo(ReadyState.CONNECTING);
		this.client.subscribe(subscriber);
		this.client.start();
		assertThatIllegalStateException().isThrownBy(this.client::start);
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(this.client.readyState()).isEqualTo(ReadyState.OPEN);
		this.client.close();
		this.client.close();
		assertThat(this.client.readyState()).isEqualTo(ReadyState.CLOSED);
		assertThat(this.server.exchanges().get(0).clientGone(10, TimeUnit.SECONDS)).isTrue();
		assertThat(subscriber.terminated.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(subscriber.completions).hasValue(1);
		assertThat(listener.closes).hasValue(1);
		this.client.forceReconnect();
		assertThatIllegalStateException().isThrownBy(this.client::start);
		Thread.sleep(200);
		assertThat(this.server.connections()).isEqualTo(1);
		assertThat(listener.errors).isEmpty();
		assertThat(subscriber.violations).hasValue(0);
	}

	@Test
	void lastEventIdIsNeverAheadOfTheListenerNorAfterClose() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream()
			.write("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\n\n")
			.awaitClientGone());
		CountDownLatch handling = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> received = new CopyOnWriteArrayList<>();
		this.client = fastClient().listener((event) -> {
			received.add(event.id());
			handling.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}).build().start();
		assertThat(handling.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// All three blocks were read, but the listener has only the first event.
		assertThat(this.client.lastEventId()).isEqualTo("1");
		// As an application that saves its position when it stops would do.
		this.client.close();
		release.countDown();
		Thread.sleep(200);
		assertThat(received).containsExactly("1");
		assertThat(this.client.lastEventId()).isEqualTo("1");
	}

	@Test
	void lastEventIdWaitsForEveryFlowSubscriberAndCloseLeavesItAtTheLastEventTaken() throws Exception {
		this.server = new RawServer((exchange) -> exchange.eventStream()
			.write("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n")
			.awaitClientGone());
		RecordingListener listener = new RecordingListener();
		TestSubscriber subscriber = new TestSubscriber(1);
		this.client = fastClient().listener(listener).build();
		this.client.subscribe(subscriber);
		this.client.start();
		await().atMost(WAIT).until(() -> listener.events.size() == 3 && subscriber.items.size() == 1);
		assertThat(this.client.lastEventId()).isEqualTo("1");
		subscriber.request(1);
		await().atMost(WAIT).until(() -> subscriber.items.size() == 2);
		assertThat(this.client.lastEventId()).isEqualTo("2");
		this.client.close();
		assertThat(subscriber.data()).containsExactly("a", "b");
		assertThat(this.client.lastEventId()).isEqualTo("2");
	}

	@Test
	void closeDuringABackoffCancelsTheReconnection() throws Exception {
		this.server = new RawServer((exchange) -> exchange.status(503, null));
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().reconnectDelay(Duration.ofMillis(300)).listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.errors.size() == 1);
		this.client.close();
		Thread.sleep(600);
		assertThat(this.server.connections()).isEqualTo(1);
		assertThat(listener.closes).hasValue(1);
	}

	@Test
	void backoffStartsOverAfterAStableConnection() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.server = new RawServer((exchange) -> {
			switch (exchange.index) {
				case 0, 1 -> exchange.status(500, null);
				case 2 -> {
					exchange.eventStream().write("data: a\n\n");
					release.await();
				}
				default -> exchange.eventStream().awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().backoffResetAfter(Duration.ofMillis(200)).listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(this.client.failures()).isEqualTo(2);
		Thread.sleep(400);
		release.countDown();
		await().atMost(WAIT).until(() -> this.server.connections() == 4);
		// Reset to none by the stable connection, then one for the attempt now running.
		assertThat(this.client.failures()).isEqualTo(1);
	}

	@Test
	void aShortConnectionCountsAsAFailedAttempt() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index < 3) {
				exchange.eventStream().write("data: a\n\n");
			}
			else {
				exchange.eventStream().awaitClientGone();
			}
		});
		this.client = fastClient().backoffResetAfter(Duration.ofMinutes(1)).build().start();
		await().atMost(WAIT).until(() -> this.server.connections() == 4);
		assertThat(this.client.failures()).isEqualTo(3);
	}

	@Test
	void flowSubscriberGetsNoMoreThanItRequestedAndReadingWaitsForIt() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("id: 1\ndata: 1\n\nid: 2\ndata: 2\n\nid: 3\ndata: 3\n\n");
			}
			else {
				exchange.eventStream();
			}
			exchange.awaitClientGone();
		});
		TestSubscriber subscriber = new TestSubscriber(1);
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().readTimeout(Duration.ofMillis(300)).listener(listener).build();
		this.client.subscribe(subscriber);
		this.client.start();
		await().atMost(WAIT).until(() -> subscriber.items.size() == 1);
		// Held back by the subscriber, the silent connection is not timed out.
		Thread.sleep(1000);
		assertThat(subscriber.data()).containsExactly("1");
		assertThat(listener.data()).containsExactly("1", "2", "3");
		assertThat(this.server.connections()).isEqualTo(1);
		subscriber.request(5);
		await().atMost(WAIT).until(() -> subscriber.items.size() == 3);
		// Now it is reading again, and the silence is noticed.
		await().atMost(WAIT).until(() -> this.server.connections() == 2);
		assertThat(this.server.lastEventIds()).containsExactly(null, "3");
		assertThat(subscriber.violations).hasValue(0);
	}

	@Test
	void aNewConnectionHeldBackByASlowSubscriberIsNotTimedOut() throws Exception {
		this.server = new RawServer((exchange) -> {
			exchange.eventStream();
			if (exchange.index == 0) {
				exchange.write("id: 1\ndata: 1\n\nid: 2\ndata: 2\n\n");
			}
			exchange.awaitClientGone();
		});
		TestSubscriber subscriber = new TestSubscriber(1);
		this.client = fastClient().readTimeout(Duration.ofMillis(300)).build();
		this.client.subscribe(subscriber);
		this.client.start();
		await().atMost(WAIT).until(() -> subscriber.items.size() == 1);
		this.client.forceReconnect();
		await().atMost(WAIT).until(() -> this.server.connections() == 2);
		Thread.sleep(1000);
		assertThat(this.server.connections()).isEqualTo(2);
		subscriber.request(1);
		await().atMost(WAIT).until(() -> this.server.connections() == 3);
		assertThat(subscriber.data()).containsExactly("1", "2");
		assertThat(this.server.lastEventIds()).containsExactly(null, "2", "2");
	}

	@Test
	void followsARedirect() throws Exception {
		this.server = new RawServer((exchange) -> {
			if (exchange.requestLine().startsWith("GET /events ")) {
				exchange.write("HTTP/1.1 307 Temporary Redirect\r\nLocation: /moved\r\nContent-Length: 0\r\n\r\n");
			}
			else {
				exchange.eventStream().write("data: moved\n\n").awaitClientGone();
			}
		});
		RecordingListener listener = new RecordingListener();
		this.client = fastClient().listener(listener).build().start();
		await().atMost(WAIT).until(() -> listener.events.size() == 1);
		assertThat(listener.data()).containsExactly("moved");
	}

	@Test
	void cancelledSubscriberNoLongerHoldsReadingBack() throws Exception {
		this.server = new RawServer((exchange) -> {
			exchange.eventStream().write("data: 1\n\ndata: 2\n\n");
			Thread.sleep(100);
			exchange.write("data: 3\n\n").awaitClientGone();
		});
		TestSubscriber slow = new TestSubscriber(0);
		TestSubscriber fast = new TestSubscriber(Long.MAX_VALUE);
		this.client = fastClient().build();
		this.client.subscribe(slow);
		this.client.subscribe(fast);
		this.client.start();
		await().atMost(WAIT).until(() -> fast.items.size() == 2);
		slow.cancel();
		await().atMost(WAIT).until(() -> fast.items.size() == 3);
		assertThat(slow.items).isEmpty();
		assertThat(fast.data()).containsExactly("1", "2", "3");
	}

	@Test
	void builderRejectsBadSettings() {
		URI uri = URI.create("http://127.0.0.1:1/events");
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(URI.create("ftp://x/y")).build());
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).header("Last-Event-ID", "1"))
			.withMessageContaining("lastEventId(String)");
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).header("Host", "x").build());
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).jitter(1.5));
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).jitter(Double.NaN));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseClient.builder(uri).readTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("readTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).lastEventId("a\u0000b"));
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(uri).resyncEventName(""));
	}

	private SseClient.Builder fastClient() {
		return SseClient.builder(this.server.uri())
			.reconnectDelay(Duration.ofMillis(20))
			.maxReconnectDelay(Duration.ofMillis(200))
			.jitter(0)
			.readTimeout(Duration.ofSeconds(20));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
