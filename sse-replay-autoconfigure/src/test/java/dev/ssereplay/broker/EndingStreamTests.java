package dev.ssereplay.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.StreamCompletedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Streams that end, through the {@link Broker}: every connection writes what
 * comes before the final event, then the final event, then ends; a client with
 * nothing left to receive is refused before anything is registered.
 */
class EndingStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final SseEvent COMPLETED = new SseEvent("complete", "{\"reason\":\"completed\"}");

	private static final SseEvent DELETED = new SseEvent("complete", "{\"reason\":\"deleted\"}");

	private InMemoryReplayStore store;

	private ElasticWriterPool writers;

	private Broker broker;

	@BeforeEach
	void start() {
		this.store = new InMemoryReplayStore(1000, 1 << 24, Duration.ofHours(1));
		this.writers = new ElasticWriterPool(2, 16);
		this.broker = new Broker(this.store, BrokerOptions.builder()
			.queueDepth(100)
			.heartbeatInterval(Duration.ZERO)
			.retry(null)
			.replayBatchSize(3)
			.build(), this.writers);
	}

	@AfterEach
	void stop() {
		this.broker.close();
		this.writers.close();
	}

	private RecordingConnection subscribe(String stream, Position from) {
		return subscribe(stream, from, null);
	}

	private RecordingConnection subscribe(String stream, Position from, Set<String> names) {
		RecordingConnection connection = new RecordingConnection();
		this.broker.subscribe(stream, from, (names != null) ? names::contains : null, connection);
		return connection;
	}

	private List<StoredEvent> publish(String stream, int count) {
		List<StoredEvent> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(this.broker.publish(stream, SseEvent.of("token " + i)));
		}
		return events;
	}

	@Test
	void aLiveConnectionWritesEverythingThenTheFinalEventAndEnds() throws InterruptedException {
		RecordingConnection connection = subscribe("answer", Position.FRESH);
		publish("answer", 5);
		StoredEvent last = this.broker.complete("answer", COMPLETED, null);
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(connection.sequences()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(connection.text()).endsWith("id: " + last.id() + "\nevent: complete\ndata: {\"reason\":\"completed\"}\n\n");
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		assertThat(this.broker.statistics().getClosed(CloseReason.COMPLETED)).isEqualTo(1);
	}

	@Test
	void aResumeBeforeTheEndReceivesTheRestTheFinalEventAndTheEnd() throws InterruptedException {
		List<StoredEvent> events = publish("answer", 10);
		this.broker.complete("answer", COMPLETED, null);
		RecordingConnection connection = subscribe("answer", Position.after(events.get(3).id()));
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(connection.sequences()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L);
	}

	@Test
	void aClientWithNothingLeftIsRefusedAndNothingIsHeld() {
		publish("answer", 2);
		StoredEvent last = this.broker.complete("answer", COMPLETED, null);
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> subscribe("answer", Position.FRESH));
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> subscribe("answer", Position.after(last.id())));
		assertThat(this.broker.connectionCount()).isZero();
		assertThat(this.broker.hasSubscribers("answer")).isFalse();
	}

	@Test
	void aMalformedIdOnAnEndedStreamGetsTheResyncEventAndTheEnd() throws InterruptedException {
		publish("answer", 2);
		StoredEvent last = this.broker.complete("answer", COMPLETED, null);
		RecordingConnection connection = subscribe("answer", Position.MALFORMED);
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(connection.text()).contains("event: resync").contains("\"head\":\"" + last.id() + "\"");
	}

	@Test
	void theFinalEventIsWrittenWhateverTheEventNameFilter() throws InterruptedException {
		RecordingConnection connection = subscribe("answer", Position.FRESH, Set.of("token"));
		this.broker.publish("answer", new SseEvent("token", "a"));
		this.broker.publish("answer", new SseEvent("usage", "b"));
		this.broker.complete("answer", COMPLETED, null);
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(connection.text()).contains("event: token").doesNotContain("event: usage").contains("event: complete");
	}

	@Test
	void deleteEndsLiveConnectionsAndRefusesIdsOfTheDeletedLifetime() throws InterruptedException {
		RecordingConnection connection = subscribe("session", Position.FRESH);
		List<StoredEvent> events = publish("session", 3);
		StoredEvent last = this.broker.delete("session", DELETED);
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(connection.sequences()).containsExactly(1L, 2L, 3L, 4L);
		assertThat(connection.text()).contains("\"reason\":\"deleted\"");
		assertThat(last.ends()).isTrue();
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> subscribe("session", Position.after(events.get(0).id())));
		StoredEvent next = this.broker.publish("session", SseEvent.of("again"));
		assertThat(next.id().epoch()).isNotEqualTo(events.get(0).id().epoch());
		RecordingConnection fresh = subscribe("session", Position.FRESH);
		await().atMost(WAIT).until(() -> fresh.text().contains("id: " + next.id()));
		assertThat(fresh.isClosed()).isFalse();
	}

	@Test
	void aConnectionReplayingWhenTheStreamIsDeletedEnds() throws InterruptedException {
		List<StoredEvent> events = publish("session", 50);
		RecordingConnection connection = new RecordingConnection();
		connection.block();
		this.broker.subscribe("session", Position.after(new EventId(events.get(0).id().epoch(), 0)), null, connection);
		this.broker.delete("session", DELETED);
		connection.unblock();
		assertThat(connection.awaitClosed(20)).isTrue();
		// What was written before the deletion, in order, then the deletion's final
		// event: the rest of the history is gone.
		List<Long> written = connection.sequences();
		assertThat(written).last().isEqualTo(51L);
		for (int i = 0; i < written.size() - 1; i++) {
			assertThat(written.get(i)).isEqualTo(i + 1L);
		}
		assertThat(connection.text()).endsWith("data: {\"reason\":\"deleted\"}\n\n");
	}

}
