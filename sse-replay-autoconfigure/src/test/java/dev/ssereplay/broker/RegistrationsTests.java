package dev.ssereplay.broker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamCompletedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a connection is registered and released. Without threads: writer runs wait
 * in a queue until the test runs them.
 */
class RegistrationsTests {

	private final InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));

	private final Queue<Runnable> writerRuns = new ArrayDeque<>();

	private final BrokerStatistics statistics = new BrokerStatistics();

	private final StreamSubscribers subscribers = new StreamSubscribers();

	private final Registrations registrations = registrations(this.store, BrokerOptions.builder().maxConnections(2));

	private Registrations registrations(ReplayStore store, BrokerOptions.Builder options) {
		SubscriberContext.Lifecycle lifecycle = new SubscriberContext.Lifecycle() {

			@Override
			public void started(SubscriptionListener.Started started) {
			}

			@Override
			public void ended(SubscriptionListener.Ended ended) {
			}

		};
		return new Registrations(options.build(), store, this.writerRuns::add, this.statistics, this.subscribers,
				(callback, stream, ex) -> {
					throw ex;
				}, lifecycle);
	}

	private void runWriters() {
		Runnable run;
		while ((run = this.writerRuns.poll()) != null) {
			run.run();
		}
	}

	@Test
	void aRegisteredSubscriberHasJoinedItsStreamAndStarts() {
		StoredEvent head = this.store.append("s", SseEvent.of("first"));
		RecordingConnection connection = new RecordingConnection();
		Subscriber subscriber = this.registrations.register("s", Position.parse(null), connection, Client.UNKNOWN,
				ConnectionSettings.DEFAULTS);
		assertThat(this.subscribers.of("s")).containsExactly(subscriber);
		assertThat(this.registrations.connectionCount()).isEqualTo(1);
		runWriters();
		assertThat(connection.text()).contains("id: " + head.id());
	}

	@Test
	void anEndedSubscriberGivesBackItsSlotAndIsCountedOnce() {
		RecordingConnection connection = new RecordingConnection();
		Subscriber subscriber = this.registrations.register("s", Position.parse(null), connection, Client.UNKNOWN,
				ConnectionSettings.DEFAULTS);
		subscriber.close(CloseReason.CANCELLED);
		subscriber.close(CloseReason.DISCONNECTED);
		runWriters();
		assertThat(this.subscribers.has("s")).isFalse();
		assertThat(this.registrations.connectionCount()).isZero();
		assertThat(this.statistics.getClosed(CloseReason.CANCELLED)).isEqualTo(1);
		assertThat(this.statistics.getClosed(CloseReason.DISCONNECTED)).isZero();
		assertThat(connection.isClosed()).isTrue();
	}

	@Test
	void aConnectionOverTheLimitTakesNoSlotAndJoinsNoStream() {
		for (int i = 0; i < 2; i++) {
			this.registrations.register("s", Position.parse(null), new RecordingConnection(), Client.UNKNOWN,
					ConnectionSettings.DEFAULTS);
		}
		assertThatExceptionOfType(TooManyConnectionsException.class).isThrownBy(() -> this.registrations
			.register("s", Position.parse(null), new RecordingConnection(), Client.UNKNOWN, ConnectionSettings.DEFAULTS));
		assertThat(this.subscribers.of("s")).hasSize(2);
		assertThat(this.registrations.connectionCount()).isEqualTo(2);
	}

	@Test
	void aClientWithNothingLeftToReceiveLeavesNothingRegisteredAndNothingWritten() {
		StoredEvent end = this.store.complete("s", SseEvent.of("bye"), null);
		RecordingConnection connection = new RecordingConnection();
		assertThatExceptionOfType(StreamCompletedException.class).isThrownBy(() -> this.registrations.register("s",
				Position.after(end.id()), connection, Client.UNKNOWN, ConnectionSettings.DEFAULTS));
		runWriters();
		assertThat(this.subscribers.has("s")).isFalse();
		assertThat(this.registrations.connectionCount()).isZero();
		assertThat(connection.writes()).isZero();
		for (CloseReason reason : CloseReason.values()) {
			assertThat(this.statistics.getClosed(reason)).isZero();
		}
	}

	@Test
	void aStatusThatCannotBeReadLeavesNothingRegistered() {
		ReplayStore unavailable = new DelegatingStore(this.store) {

			@Override
			public EventId head(String stream) {
				throw new StoreUnavailableException("Redis did not answer", null);
			}

		};
		Registrations registrations = registrations(unavailable, BrokerOptions.builder());
		RecordingConnection connection = new RecordingConnection();
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> registrations.register("s",
				Position.parse(null), connection, Client.UNKNOWN, ConnectionSettings.DEFAULTS));
		runWriters();
		assertThat(this.subscribers.has("s")).isFalse();
		assertThat(registrations.connectionCount()).isZero();
		assertThat(connection.isClosed()).isTrue();
	}

}
