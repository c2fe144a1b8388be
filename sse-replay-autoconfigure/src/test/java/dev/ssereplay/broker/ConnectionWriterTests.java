package dev.ssereplay.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a connection's writer collects and writes, run by run, and which phase
 * each leaves the connection in. Without threads: the test is the writer, and the
 * in-memory store answers every read at once.
 */
class ConnectionWriterTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));

	private final BrokerStatistics statistics = new BrokerStatistics();

	private final List<Object> told = new ArrayList<>();

	private final LiveQueue queue = new LiveQueue(4);

	private final RecordingConnection connection = new RecordingConnection();

	private ConnectionWriter writer(Position from, Duration heartbeatInterval, long createdNanos) {
		SubscriberContext.Lifecycle lifecycle = new SubscriberContext.Lifecycle() {

			@Override
			public void started(SubscriptionListener.Started started) {
				ConnectionWriterTests.this.told.add(started);
			}

			@Override
			public void ended(SubscriptionListener.Ended ended) {
				ConnectionWriterTests.this.told.add(ended);
			}

		};
		BrokerOptions options = BrokerOptions.builder().heartbeatInterval(heartbeatInterval).retry(null).build();
		SubscriberContext context = new SubscriberContext(options, this.store, Runnable::run, this.statistics,
				(subscriber, reason) -> {
				}, (callback, stream, ex) -> {
					throw ex;
				}, lifecycle);
		ConnectionWriter writer = new ConnectionWriter(context, "s", from, Client.UNKNOWN, ConnectionSettings.DEFAULTS,
				this.connection, this.queue, new ConnectionTimes(createdNanos, null), () -> {
				});
		writer.registered(this.store.status("s"));
		return writer;
	}

	private ConnectionWriter writer(Position from) {
		return writer(from, Duration.ZERO, System.nanoTime());
	}

	private List<StoredEvent> publish(int count) {
		List<StoredEvent> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(this.store.append("s", SseEvent.of("event " + i)));
		}
		return events;
	}

	@Test
	void aFreshConnectionIsPrimedWithTheHeadAndGoesLive() throws Exception {
		StoredEvent head = publish(2).get(1);
		ConnectionWriter writer = writer(Position.FRESH);
		assertThat(writer.begin()).isEqualTo(Subscriber.Phase.LIVE);
		writer.write();
		assertThat(this.connection.text()).isEqualTo("id: " + head.id() + "\n\n");
	}

	@Test
	void queuedLiveEventsAreWrittenTogetherAndCounted() throws Exception {
		publish(1);
		ConnectionWriter writer = writer(Position.FRESH);
		writer.begin();
		writer.write();
		List<StoredEvent> live = publish(2);
		live.forEach(this.queue::offer);
		assertThat(writer.drainLive()).isEqualTo(Subscriber.Phase.LIVE);
		writer.write();
		assertThat(this.connection.text()).contains("id: " + live.get(0).id()).contains("id: " + live.get(1).id());
		assertThat(this.statistics.getDelivered()).isEqualTo(2);
		assertThat(this.queue.isEmpty()).isTrue();
	}

	@Test
	void eventsTheQueueMissedAreReadFromTheStoreBeforeGoingLiveAgain() throws Exception {
		publish(1);
		ConnectionWriter writer = writer(Position.FRESH);
		writer.begin();
		writer.write();
		List<StoredEvent> missed = publish(2);
		this.queue.missed(missed.get(0).id());
		assertThat(writer.drainLive()).isEqualTo(Subscriber.Phase.REPLAYING);
		assertThat(writer.replayPage()).isEqualTo(Subscriber.Phase.LIVE);
		writer.write();
		assertThat(this.connection.text()).contains("id: " + missed.get(0).id()).contains("id: " + missed.get(1).id());
		assertThat(this.statistics.getReplayed()).isEqualTo(2);
		assertThat(this.queue.hasMissed()).isFalse();
	}

	@Test
	void aResumedConnectionReplaysHistoryThenReportsItsStartAndItsEnd() throws Exception {
		List<StoredEvent> events = publish(3);
		ConnectionWriter writer = writer(Position.after(events.get(0).id()));
		assertThat(writer.begin()).isEqualTo(Subscriber.Phase.REPLAYING);
		assertThat(writer.replayPage()).isEqualTo(Subscriber.Phase.LIVE);
		writer.write();
		writer.caughtUp();
		writer.ended(CloseReason.CANCELLED);
		assertThat(this.connection.text()).startsWith("id: " + events.get(1).id() + "\n")
			.contains("id: " + events.get(2).id());
		assertThat(this.told).hasSize(2);
		assertThat(this.told.get(0)).isEqualTo(new SubscriptionListener.Started("s", null, true, 2));
		assertThat(this.told.get(1)).isInstanceOfSatisfying(SubscriptionListener.Ended.class, (ended) -> {
			assertThat(ended.reason()).isEqualTo(CloseReason.CANCELLED);
			assertThat(ended.replayed()).isEqualTo(2);
			assertThat(ended.delivered()).isZero();
		});
	}

	@Test
	void aConnectionIdleForTheHeartbeatIntervalGetsAHeartbeatAndOnlyThen() throws Exception {
		ConnectionWriter writer = writer(Position.FRESH, Duration.ofSeconds(1), System.nanoTime() - 2 * SECOND);
		writer.write();
		writer.write();
		assertThat(this.connection.text()).isEqualTo(": heartbeat\n\n");
		assertThat(this.statistics.getHeartbeats()).isEqualTo(1);
	}

	@Test
	void whatIsQueuedIsWrittenWhenTheConnectionIsToEnd() throws Exception {
		publish(1);
		ConnectionWriter writer = writer(Position.FRESH);
		writer.begin();
		writer.write();
		StoredEvent queued = publish(1).get(0);
		this.queue.offer(queued);
		writer.writeQueued();
		assertThat(this.connection.text()).endsWith("id: " + queued.id() + "\ndata: event 0\n\n");
		assertThat(this.statistics.getDelivered()).isEqualTo(1);
	}

}
