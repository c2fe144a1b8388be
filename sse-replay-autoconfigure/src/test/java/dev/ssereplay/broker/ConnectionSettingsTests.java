package dev.ssereplay.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Settings of one connection that differ from the broker's: queue depth, slow
 * policy, expiry; and what {@link SubscriptionListener}s are told.
 */
class ConnectionSettingsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private InMemoryReplayStore store;

	private ElasticWriterPool writers;

	private Broker broker;

	private final List<Object> told = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		this.store = new InMemoryReplayStore(1000, 1 << 24, Duration.ofHours(1));
		this.writers = new ElasticWriterPool(2, 16);
		this.broker = new Broker(this.store, BrokerOptions.builder()
			.queueDepth(100)
			.slowPolicy(SlowConnectionPolicy.CLOSE)
			.heartbeatInterval(Duration.ZERO)
			.retry(null)
			.build(), this.writers);
		this.broker.addSubscriptionListener(new SubscriptionListener() {

			@Override
			public void started(Started started) {
				ConnectionSettingsTests.this.told.add(started);
			}

			@Override
			public void ended(Ended ended) {
				ConnectionSettingsTests.this.told.add(ended);
			}

		});
	}

	@AfterEach
	void stop() {
		this.broker.close();
		this.writers.close();
	}

	@Test
	void aConnectionEndsWhenItsAuthorizationExpires() throws InterruptedException {
		RecordingConnection connection = new RecordingConnection();
		this.broker.subscribe("feed", Position.FRESH, connection, new Client("10.0.0.1", "alice"),
				new ConnectionSettings(null, 0, null, Instant.now().plusMillis(300)));
		this.broker.publish("feed", SseEvent.of("a"));
		long start = System.nanoTime();
		assertThat(connection.awaitClosed(5)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		await().atMost(WAIT).until(() -> this.broker.statistics().getClosed(CloseReason.EXPIRED) == 1);
		await().atMost(WAIT).until(() -> this.told.size() == 2);
		assertThat(this.told.get(0)).isEqualTo(new SubscriptionListener.Started("feed", "alice", false, 0));
		SubscriptionListener.Ended ended = (SubscriptionListener.Ended) this.told.get(1);
		assertThat(ended.reason()).isEqualTo(CloseReason.EXPIRED);
		assertThat(ended.delivered()).isEqualTo(1);
		assertThat(ended.principal()).isEqualTo("alice");
	}

	@Test
	void aConnectionCanTakeTheDropPolicyWhileTheBrokerClosesSlowOnes() throws InterruptedException {
		RecordingConnection dropping = new RecordingConnection();
		RecordingConnection closing = new RecordingConnection();
		this.broker.subscribe("dashboard", Position.FRESH, dropping, Client.UNKNOWN,
				new ConnectionSettings(null, 2, SlowConnectionPolicy.DROP, null));
		this.broker.subscribe("dashboard", Position.FRESH, closing, Client.UNKNOWN,
				new ConnectionSettings(null, 2, null, null));
		await().atMost(WAIT).until(() -> !dropping.blocks().isEmpty() && !closing.blocks().isEmpty());
		dropping.block();
		closing.block();
		for (int i = 0; i < 10; i++) {
			this.broker.publish("dashboard", SseEvent.of("tick " + i));
		}
		dropping.unblock();
		closing.unblock();
		assertThat(closing.awaitClosed(10)).isTrue();
		await().atMost(WAIT).until(() -> dropping.text().contains("\"reason\":\"dropped\""));
		assertThat(dropping.isClosed()).isFalse();
		assertThat(this.broker.statistics().getClosed(CloseReason.SLOW)).isEqualTo(1);
	}

}
