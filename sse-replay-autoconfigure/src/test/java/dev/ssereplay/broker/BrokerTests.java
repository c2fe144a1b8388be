package dev.ssereplay.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.ResyncReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Delivery through the {@link Broker}: priming, replay, live, resync, the slow
 * policies, isolation and heartbeats.
 */
class BrokerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final List<AutoCloseable> resources = new ArrayList<>();

	private InMemoryReplayStore store;

	private Broker broker;

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private Broker broker(BrokerOptions options) {
		return broker(options, new InMemoryReplayStore(1000, 1 << 24, Duration.ofHours(1)));
	}

	private Broker broker(BrokerOptions options, InMemoryReplayStore store) {
		ElasticWriterPool writers = new ElasticWriterPool(2, 16);
		this.store = store;
		this.broker = new Broker(store, options, writers);
		this.resources.add(writers);
		this.resources.add(this.broker);
		return this.broker;
	}

	private static BrokerOptions smallOptions(Duration heartbeatInterval, int maxConnections) {
		return BrokerOptions.builder()
			.queueDepth(10)
			.heartbeatInterval(heartbeatInterval)
			.retry(null)
			.maxConnections(maxConnections)
			.replayBatchSize(10)
			.stallThreshold(Duration.ofSeconds(1))
			.build();
	}

	private static BrokerOptions options(int queueDepth, SlowConnectionPolicy policy) {
		return BrokerOptions.builder()
			.queueDepth(queueDepth)
			.slowPolicy(policy)
			.heartbeatInterval(Duration.ZERO)
			.retry(Duration.ofSeconds(2))
			.maxConnections(100)
			.replayBatchSize(50)
			.stallThreshold(Duration.ofMillis(200))
			.build();
	}

	private RecordingConnection subscribe(String stream, String lastEventId) {
		RecordingConnection connection = new RecordingConnection();
		this.broker.subscribe(stream, Position.parse(lastEventId), null, connection);
		return connection;
	}

	private List<StoredEvent> publish(String stream, int count) {
		List<StoredEvent> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(this.store.append(stream, SseEvent.of("event " + i)));
		}
		return events;
	}

	@Test
	void freshSubscriberFirstGetsRetryAndTheHeadIdThenLiveEvents() {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		List<StoredEvent> before = publish("s", 3);
		RecordingConnection connection = subscribe("s", null);
		await().atMost(WAIT).until(() -> !connection.blocks().isEmpty());
		assertThat(connection.blocks().get(0)).isEqualTo("retry: 2000\nid: " + before.get(2).id());
		List<StoredEvent> live = publish("s", 2);
		await().atMost(WAIT).until(() -> connection.sequences().size() == 2);
		assertThat(connection.sequences()).containsExactly(4L, 5L);
		assertThat(connection.text()).endsWith(new String(live.get(1).frame(), java.nio.charset.StandardCharsets.UTF_8));
	}

	@Test
	void resumingSubscriberGetsTheMissedEventsThenLiveWithoutAnnouncingTheHeadFirst() {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		List<StoredEvent> history = publish("s", 10);
		RecordingConnection connection = subscribe("s", history.get(3).id().toString());
		await().atMost(WAIT).until(() -> connection.sequences().size() == 6);
		publish("s", 3);
		await().atMost(WAIT).until(() -> connection.sequences().size() == 9);
		assertThat(connection.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(5, 13).boxed().toList());
		assertThat(connection.blocks().get(0)).isEqualTo("retry: 2000");
		assertThat(connection.text()).doesNotContain("id: " + history.get(9).id() + "\n\n");
		assertThat(this.broker.statistics().getReplayed()).isEqualTo(6);
		assertThat(this.broker.statistics().getDelivered()).isEqualTo(3);
	}

	@Test
	void resumeWhilePublishingConcurrentlyHasNoGapAndNoDuplicate() throws Exception {
		broker(options(16, SlowConnectionPolicy.CLOSE), new InMemoryReplayStore(10_000, 1 << 24, Duration.ofHours(1)));
		List<StoredEvent> history = publish("s", 200);
		AtomicBoolean publishing = new AtomicBoolean(true);
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		try {
			Future<?> running = publisher.submit(() -> {
				for (int i = 0; i < 2000 && publishing.get(); i++) {
					this.store.append("s", SseEvent.of("live " + i));
					if (i % 50 == 0) {
						Thread.onSpinWait();
					}
				}
			});
			List<RecordingConnection> connections = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				connections.add(subscribe("s", history.get(i * 10).id().toString()));
			}
			running.get(60, TimeUnit.SECONDS);
			long head = this.store.head("s").sequence();
			for (int i = 0; i < connections.size(); i++) {
				RecordingConnection connection = connections.get(i);
				long from = i * 10L + 2;
				await().atMost(WAIT).until(() -> connection.isClosed()
						|| (!connection.sequences().isEmpty() && last(connection.sequences()) == head));
				List<Long> seen = connection.sequences();
				assertThat(seen).as("connection %d", i).isNotEmpty();
				assertThat(connection.text()).doesNotContain("event: resync");
				// A connection the slow policy closed has a dense prefix; the client
				// resumes from its end.
				assertThat(seen).containsExactlyElementsOf(LongStream.range(from, from + seen.size()).boxed().toList());
			}
		}
		finally {
			publishing.set(false);
			publisher.shutdownNow();
		}
	}

	@Test
	void evictedIdGetsTheResyncEventWithTheHeadThenLiveEvents() {
		broker(options(100, SlowConnectionPolicy.CLOSE), new InMemoryReplayStore(5, 1 << 20, Duration.ofHours(1)));
		List<StoredEvent> history = publish("s", 20);
		RecordingConnection connection = subscribe("s", history.get(2).id().toString());
		await().atMost(WAIT).until(() -> connection.text().contains("event: resync"));
		EventId head = history.get(19).id();
		assertThat(connection.blocks()).contains("id: " + head + "\nevent: resync\ndata: {\"reason\":\"evicted\",\"head\":\""
				+ head + "\"}");
		publish("s", 1);
		await().atMost(WAIT).until(() -> connection.sequences().equals(List.of(21L)));
		assertThat(this.broker.statistics().getResyncs(ResyncReason.EVICTED)).isEqualTo(1);
	}

	@Test
	void malformedAndForeignIdsGetTheResyncEvent() {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		StoredEvent other = publish("other", 1).get(0);
		publish("s", 2);
		RecordingConnection junk = subscribe("s", "not-an-id");
		RecordingConnection foreign = subscribe("s", other.id().toString());
		RecordingConnection absurd = subscribe("s", "zz-999999999999999999");
		await().atMost(WAIT).until(() -> junk.text().contains("resync") && foreign.text().contains("resync")
				&& absurd.text().contains("resync"));
		assertThat(junk.text()).contains("\"reason\":\"malformed\"");
		assertThat(foreign.text()).contains("\"reason\":\"other-epoch\"");
		assertThat(absurd.text()).contains("\"reason\":\"other-epoch\"");
	}

	@Test
	void aMalformedIdIsAnsweredAtTheHeadOfSubscribeAndEventsPublishedAfterItAreDelivered() {
		List<Runnable> writerRuns = new ArrayList<>();
		this.store = new InMemoryReplayStore(1000, 1 << 24, Duration.ofHours(1));
		this.broker = new Broker(this.store, options(100, SlowConnectionPolicy.CLOSE), writerRuns::add);
		this.resources.add(this.broker);
		EventId before = publish("s", 2).get(1).id();
		RecordingConnection connection = subscribe("s", "junk");
		// Published after subscribe returned, before the writer first runs.
		StoredEvent after = publish("s", 1).get(0);
		while (!writerRuns.isEmpty()) {
			writerRuns.remove(0).run();
		}
		assertThat(connection.text()).contains("id: " + before + "\nevent: resync\ndata: {\"reason\":\"malformed\"");
		assertThat(connection.sequences()).containsExactly(after.sequence());
	}

	@Test
	void aConnectionThatCaughtUpIsNotSlowBecauseOfEventsItsReplayAlreadyWrote() {
		List<Runnable> writerRuns = new ArrayList<>();
		this.store = new InMemoryReplayStore(1000, 1 << 24, Duration.ofHours(1));
		this.broker = new Broker(this.store, options(2, SlowConnectionPolicy.CLOSE), writerRuns::add);
		this.resources.add(this.broker);
		EventId start = this.store.head("s");
		RecordingConnection connection = new RecordingConnection();
		this.broker.subscribe("s", Position.after(start), null, connection);
		// Queued while the writer has not run yet; the third does not fit.
		publish("s", 3);
		runAll(writerRuns);
		assertThat(connection.sequences()).containsExactly(1L, 2L, 3L);
		publish("s", 1);
		runAll(writerRuns);
		assertThat(connection.isClosed()).isFalse();
		assertThat(connection.sequences()).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.CLOSE)).isZero();
	}

	private static void runAll(List<Runnable> tasks) {
		while (!tasks.isEmpty()) {
			tasks.remove(0).run();
		}
	}

	@Test
	void aConnectionThatIsNeverServedIsReleasedWithinTheStartTimeout() {
		broker(BrokerOptions.builder().maxConnections(1).startTimeout(Duration.ofMillis(300)).build());
		// The emitter never reaches the container: its connection never becomes writable.
		Connection neverServed = new Connection() {

			@Override
			public boolean isWritable() {
				return false;
			}

			@Override
			public void write(byte[] frames) {
				throw new AssertionError("written before it was served");
			}

			@Override
			public void close() {
			}

		};
		Subscription abandoned = this.broker.subscribe("s", Position.FRESH, null, neverServed);
		assertThatExceptionOfType(TooManyConnectionsException.class).isThrownBy(() -> subscribe("s", null));
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		assertThat(abandoned.isActive()).isFalse();
		assertThat(this.broker.statistics().getClosed(CloseReason.UNSERVED)).isEqualTo(1);
		assertThat(this.broker.hasSubscribers("s")).isFalse();
		RecordingConnection served = subscribe("s", null);
		await().atMost(WAIT).until(() -> !served.blocks().isEmpty());
	}

	@Test
	void aResumeWritesItsHistoryInBoundedWrites() {
		broker(BrokerOptions.builder().heartbeatInterval(Duration.ZERO).build(),
				new InMemoryReplayStore(1000, 1 << 26, Duration.ofHours(1)));
		EventId start = this.store.head("s");
		String payload = "p".repeat(60_000);
		for (int i = 0; i < 600; i++) {
			this.store.append("s", SseEvent.of(payload));
		}
		RecordingConnection connection = new RecordingConnection();
		this.broker.subscribe("s", Position.after(start), null, connection);
		await().atMost(WAIT).until(() -> connection.sequences().size() == 600);
		// One page used to be one write of 500 events: 30 MB held by one connection.
		assertThat(connection.largestWrite()).isLessThanOrEqualTo(256 * 1024 + 60_100);
		assertThat(connection.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(1, 600).boxed().toList());
	}

	@Test
	void connectionsArePerAddressAndPerUserWhenAsked() {
		broker(BrokerOptions.builder().maxConnectionsPerAddress(2).maxConnectionsPerPrincipal(1).build());
		Client alice = new Client("10.0.0.1", "alice");
		Subscription first = this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(),
				new Client("10.0.0.1", null));
		this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(), alice);
		assertThatExceptionOfType(TooManyConnectionsException.class)
			.isThrownBy(() -> this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(),
					new Client("10.0.0.1", "bob")))
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(ConnectionLimit.PER_ADDRESS))
			.withMessageContaining("sse.replay.max-connections-per-address");
		assertThatExceptionOfType(TooManyConnectionsException.class)
			.isThrownBy(() -> this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(),
					new Client("10.0.0.2", "alice")))
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(ConnectionLimit.PER_PRINCIPAL));
		// Another address and another user are not held back by them.
		this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(), new Client("10.0.0.2", "bob"));
		assertThat(this.broker.connectionCount()).isEqualTo(3);
		assertThat(this.broker.statistics().getRejected(ConnectionLimit.PER_ADDRESS)).isEqualTo(1);
		assertThat(this.broker.statistics().getRejected(ConnectionLimit.PER_PRINCIPAL)).isEqualTo(1);
		// A connection that ends gives its address's slot back.
		first.cancel();
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 2);
		this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(), new Client("10.0.0.1", "carol"));
	}

	@Test
	void withoutPerClientLimitsOnlyTheTotalApplies() {
		broker(BrokerOptions.builder().maxConnections(3).build());
		for (int i = 0; i < 3; i++) {
			this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(), new Client("10.0.0.1", "alice"));
		}
		assertThatExceptionOfType(TooManyConnectionsException.class)
			.isThrownBy(() -> this.broker.subscribe("s", Position.FRESH, null, new RecordingConnection(),
					new Client("10.0.0.1", "alice")))
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(ConnectionLimit.TOTAL));
	}

	@Test
	void aFilterThatThrowsIsCountedAndItsEventStillDelivered() {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		RecordingConnection filtered = new RecordingConnection();
		this.broker.subscribe("s", Position.FRESH, (name) -> {
			throw new IllegalStateException("broken filter");
		}, filtered);
		RecordingConnection other = subscribe("s", null);
		publish("s", 2);
		await().atMost(WAIT).until(() -> filtered.sequences().size() == 2 && other.sequences().size() == 2);
		assertThat(filtered.isClosed()).isFalse();
		assertThat(this.broker.statistics().getCallbackFailures(Callback.EVENT_FILTER)).isEqualTo(2);
	}

	@Test
	void replayIsNotSlownessEvenWithATinyQueue() {
		broker(options(2, SlowConnectionPolicy.CLOSE));
		EventId start = this.store.head("s");
		publish("s", 600);
		RecordingConnection connection = new RecordingConnection();
		connection.block();
		this.broker.subscribe("s", Position.after(start), null, connection);
		// Live events arrive while the first page of history is being written.
		await().atMost(WAIT).until(connection::writing);
		publish("s", 100);
		connection.delay(5);
		connection.unblock();
		await().atMost(WAIT).untilAsserted(() -> assertThat(connection.sequences()).hasSize(700));
		assertThat(connection.isClosed()).isFalse();
		assertThat(connection.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(1, 700).boxed().toList());
		assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.CLOSE)).isZero();
	}

	@Test
	void liveEventsThatArriveWhileTheLastPageIsWrittenAreNotSlowness() {
		broker(options(2, SlowConnectionPolicy.CLOSE));
		EventId start = this.store.head("s");
		publish("s", 50);
		RecordingConnection connection = new RecordingConnection();
		connection.block();
		this.broker.subscribe("s", Position.after(start), null, connection);
		// The whole history fits one page: the writer has read up to the head and
		// is writing it when the live events overflow the queue.
		await().atMost(WAIT).until(connection::writing);
		publish("s", 20);
		connection.unblock();
		await().atMost(WAIT).untilAsserted(() -> assertThat(connection.sequences()).hasSize(70));
		assertThat(connection.isClosed()).isFalse();
		assertThat(connection.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(1, 70).boxed().toList());
		assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.CLOSE)).isZero();
	}

	@Test
	void closePolicyEndsASlowSubscriberAndSparesTheOthers() throws InterruptedException {
		broker(options(32, SlowConnectionPolicy.CLOSE));
		RecordingConnection slow = subscribe("s", null);
		RecordingConnection fast = subscribe("s", null);
		await().atMost(WAIT).until(() -> slow.writes() == 1 && fast.writes() == 1);
		slow.block();
		for (int i = 0; i < 10; i++) {
			// Paced, so that only the blocked subscriber falls behind by a queue.
			publish("s", 5);
			await().atMost(WAIT).until(() -> fast.sequences().size() == this.store.head("s").sequence());
		}
		assertThat(fast.sequences()).hasSize(50);
		assertThat(this.broker.connectionCount()).isEqualTo(1);
		slow.unblock();
		assertThat(slow.awaitClosed(20)).isTrue();
		// What was queued before the overflow is still written, in order.
		assertThat(slow.sequences()).isNotEmpty()
			.containsExactlyElementsOf(LongStream.rangeClosed(1, slow.sequences().size()).boxed().toList());
		assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.CLOSE)).isPositive();
		assertThat(this.broker.statistics().getClosed(CloseReason.SLOW)).isEqualTo(1);
		assertThat(fast.isClosed()).isFalse();
	}

	@Test
	void removePolicyEndsASlowSubscriberWithoutWritingItsQueue() throws InterruptedException {
		broker(options(8, SlowConnectionPolicy.REMOVE));
		RecordingConnection slow = subscribe("s", null);
		await().atMost(WAIT).until(() -> slow.writes() == 1);
		slow.block();
		publish("s", 1);
		await().atMost(WAIT).pollDelay(Duration.ofMillis(50)).until(() -> true);
		publish("s", 30);
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		slow.unblock();
		assertThat(slow.awaitClosed(20)).isTrue();
		// At most the batch that was being written when the client stalled.
		assertThat(slow.sequences()).hasSizeLessThanOrEqualTo(1);
		assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.REMOVE)).isGreaterThanOrEqualTo(9);
	}

	@Test
	void dropPolicyKeepsTheConnectionAndTellsTheClientWhatWasDropped() {
		broker(options(8, SlowConnectionPolicy.DROP));
		RecordingConnection slow = subscribe("s", null);
		await().atMost(WAIT).until(() -> slow.writes() == 1);
		slow.block();
		publish("s", 1);
		await().atMost(WAIT).until(() -> true);
		publish("s", 40);
		slow.unblock();
		await().atMost(WAIT).until(() -> slow.text().contains("\"reason\":\"dropped\""));
		publish("s", 2);
		await().atMost(WAIT).until(() -> slow.sequences().contains(43L));
		assertThat(slow.isClosed()).isFalse();
		List<String> blocks = slow.blocks();
		String resync = blocks.stream().filter((block) -> block.contains("event: resync")).findFirst().orElseThrow();
		String epoch = this.store.head("s").toString();
		assertThat(resync).contains("\"head\":\"" + epoch.substring(0, epoch.indexOf('-') + 1));
		List<Long> seen = slow.sequences();
		assertThat(seen).isSorted().doesNotHaveDuplicates().contains(42L, 43L);
		assertThat(seen.size()).isLessThan(43);
		assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.DROP)).isEqualTo(43 - seen.size());
		assertThat(this.broker.statistics().getResyncs(ResyncReason.DROPPED)).isEqualTo(1);
	}

	@Test
	void aFailingSubscriberIsClosedAndTheOthersGetEverything() throws InterruptedException {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		RecordingConnection broken = subscribe("s", null);
		List<RecordingConnection> healthy = List.of(subscribe("s", null), subscribe("s", null));
		await().atMost(WAIT).until(() -> broken.writes() == 1);
		broken.fail();
		publish("s", 20);
		assertThat(broken.awaitClosed(20)).isTrue();
		for (RecordingConnection connection : healthy) {
			await().atMost(WAIT).until(() -> connection.sequences().size() == 20);
			assertThat(connection.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
		}
		assertThat(this.broker.connectionCount()).isEqualTo(2);
		assertThat(this.broker.statistics().getClosed(CloseReason.DISCONNECTED)).isEqualTo(1);
	}

	@Test
	void everySubscriberSeesOneDenseOrderUnderConcurrentPublishers() throws Exception {
		// History for every event: a subscriber that falls far behind on a busy
		// machine catches up from the store instead of being told to resync.
		broker(options(10_000, SlowConnectionPolicy.CLOSE),
				new InMemoryReplayStore(10_000, 1 << 24, Duration.ofHours(1)));
		List<RecordingConnection> connections = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			connections.add(subscribe("s", null));
		}
		await().atMost(WAIT).until(() -> connections.stream().allMatch((c) -> c.writes() >= 1));
		ExecutorService publishers = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int p = 0; p < 4; p++) {
				done.add(publishers.submit(() -> publish("s", 500)));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			publishers.shutdownNow();
		}
		for (RecordingConnection connection : connections) {
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(connection.sequences()).as("%s", connection.writes()).hasSize(2000));
			assertThat(connection.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(1, 2000).boxed().toList());
			assertThat(connection.text()).doesNotContain("event: resync");
			assertThat(connection.overlapped()).isFalse();
		}
	}

	@Test
	void aLiveEventLostOnTheWayIsFilledFromTheStore() {
		LossyStore lossy = new LossyStore(new InMemoryReplayStore(1000, 1 << 20, Duration.ofHours(1)), 3);
		ElasticWriterPool writers = new ElasticWriterPool(2, 4);
		this.resources.add(writers);
		Broker broker = new Broker(lossy, options(100, SlowConnectionPolicy.CLOSE), writers);
		this.resources.add(broker);
		RecordingConnection connection = new RecordingConnection();
		broker.subscribe("s", null, null, connection);
		await().atMost(WAIT).until(() -> connection.writes() == 1);
		for (int i = 0; i < 5; i++) {
			lossy.append("s", SseEvent.of("e" + i));
		}
		await().atMost(WAIT).until(() -> connection.sequences().size() == 5);
		assertThat(connection.sequences()).containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	void heartbeatsAreWrittenToIdleConnections() {
		broker(smallOptions(Duration.ofMillis(300), 10));
		RecordingConnection connection = subscribe("s", null);
		await().atMost(WAIT).until(() -> connection.text().split(": heartbeat\n\n", -1).length > 3);
		assertThat(connection.blocks().get(0)).startsWith("id: ");
		assertThat(this.broker.statistics().getHeartbeats()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void heartbeatsFindDeadConnections() throws InterruptedException {
		broker(smallOptions(Duration.ofMillis(200), 10));
		RecordingConnection connection = subscribe("s", null);
		// The priming block, and maybe a heartbeat already on a slow machine.
		await().atMost(WAIT).until(() -> connection.writes() >= 1);
		connection.fail();
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(this.broker.connectionCount()).isZero();
	}

	@Test
	void eventNameFilterDeliversOnlyTheNamedEvents() {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		RecordingConnection connection = new RecordingConnection();
		Predicate<String> names = Set.of("wanted", "message")::contains;
		this.broker.subscribe("s", null, names, connection);
		await().atMost(WAIT).until(() -> connection.writes() == 1);
		this.store.append("s", SseEvent.of("wanted", "1"));
		this.store.append("s", SseEvent.of("other", "2"));
		this.store.append("s", SseEvent.of("3"));
		await().atMost(WAIT).until(() -> connection.sequences().size() == 2);
		assertThat(connection.sequences()).containsExactly(1L, 3L);
	}

	@Test
	void connectionsAreLimited() {
		broker(smallOptions(Duration.ZERO, 2));
		subscribe("s", null);
		Subscription second = this.broker.subscribe("s", null, null, new RecordingConnection());
		assertThatExceptionOfType(TooManyConnectionsException.class).isThrownBy(() -> subscribe("s", null))
			.withMessageContaining("sse.replay.max-connections");
		assertThat(this.broker.statistics().getRejected()).isEqualTo(1);
		second.disconnected();
		second.disconnected();
		second.cancel();
		assertThat(this.broker.connectionCount()).isEqualTo(1);
		subscribe("s", null);
		assertThat(this.broker.connectionCount()).isEqualTo(2);
	}

	@Test
	void cancelEndsTheConnectionOnceAndNothingIsWrittenAfter() throws InterruptedException {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		RecordingConnection connection = new RecordingConnection();
		Subscription subscription = this.broker.subscribe("s", null, null, connection);
		await().atMost(WAIT).until(() -> connection.writes() == 1);
		subscription.cancel();
		assertThat(connection.awaitClosed(20)).isTrue();
		assertThat(subscription.isActive()).isFalse();
		publish("s", 5);
		assertThat(connection.sequences()).isEmpty();
		assertThat(connection.wroteAfterClose()).isFalse();
		assertThat(this.broker.hasSubscribers("s")).isFalse();
	}

	@Test
	void closingTheBrokerEndsEveryConnection() throws InterruptedException {
		broker(options(100, SlowConnectionPolicy.CLOSE));
		RecordingConnection a = subscribe("a", null);
		RecordingConnection b = subscribe("b", null);
		this.broker.close();
		assertThat(a.awaitClosed(20)).isTrue();
		assertThat(b.awaitClosed(20)).isTrue();
		assertThat(this.broker.connectionCount()).isZero();
	}

	@Test
	void blockedWritesGetCompensatingThreads() {
		ElasticWriterPool writers = new ElasticWriterPool(1, 8);
		this.resources.add(writers);
		InMemoryReplayStore store = new InMemoryReplayStore(1000, 1 << 20, Duration.ofHours(1));
		Broker broker = new Broker(store, options(1000, SlowConnectionPolicy.CLOSE), writers);
		this.resources.add(broker);
		List<RecordingConnection> stuck = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			RecordingConnection connection = new RecordingConnection();
			connection.block();
			stuck.add(connection);
			broker.subscribe("s", null, null, connection);
		}
		RecordingConnection healthy = new RecordingConnection();
		broker.subscribe("s", null, null, healthy);
		store.append("s", SseEvent.of("x"));
		// With one thread and three blocked writers, only compensation lets this through.
		await().atMost(WAIT).until(() -> healthy.sequences().size() == 1);
		assertThat(writers.poolSize()).isGreaterThan(1);
		stuck.forEach(RecordingConnection::unblock);
		await().atMost(WAIT).until(() -> writers.poolSize() == 1);
	}

	@Test
	void aSlowStoreReadDelaysOnlyItsOwnConnection() throws InterruptedException {
		SlowReadStore slow = new SlowReadStore(new InMemoryReplayStore(1000, 1 << 20, Duration.ofHours(1)), "slow");
		// One writer thread, and no second one to make up for it.
		ElasticWriterPool writers = new ElasticWriterPool(1, 0);
		this.resources.add(writers);
		this.resources.add(slow);
		Broker broker = new Broker(slow, options(100, SlowConnectionPolicy.CLOSE), writers);
		this.resources.add(broker);
		StoredEvent first = slow.append("slow", SseEvent.of("first"));
		slow.append("slow", SseEvent.of("second"));
		RecordingConnection resuming = new RecordingConnection();
		broker.subscribe("slow", Position.parse(first.id().toString()), null, resuming);
		assertThat(slow.awaitRead()).isTrue();
		RecordingConnection other = new RecordingConnection();
		broker.subscribe("fast", null, null, other);
		slow.append("fast", SseEvent.of("live"));
		// While the resuming connection waits for its page, the writer serves the other.
		await().atMost(Duration.ofSeconds(5)).until(() -> other.sequences().size() == 1);
		assertThat(resuming.sequences()).isEmpty();
		slow.answer();
		await().atMost(WAIT).until(() -> resuming.sequences().size() == 1);
		assertThat(resuming.sequences()).containsExactly(2L);
	}

	private static long last(List<Long> values) {
		return values.get(values.size() - 1);
	}

	/**
	 * A store whose reads of one stream are answered only when the test says so,
	 * like a Redis that is slow to answer.
	 */
	private static final class SlowReadStore extends DelegatingStore implements AutoCloseable {

		private final String slowStream;

		private final CountDownLatch asked = new CountDownLatch(1);

		private final CountDownLatch answer = new CountDownLatch(1);

		private final ExecutorService answering = Executors.newSingleThreadExecutor();

		SlowReadStore(ReplayStore delegate, String slowStream) {
			super(delegate);
			this.slowStream = slowStream;
		}

		boolean awaitRead() throws InterruptedException {
			return this.asked.await(20, TimeUnit.SECONDS);
		}

		void answer() {
			this.answer.countDown();
		}

		@Override
		public ReadResult readAfter(String stream, EventId after, int limit) {
			if (stream.equals(this.slowStream)) {
				this.asked.countDown();
				try {
					this.answer.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return super.readAfter(stream, after, limit);
		}

		@Override
		public CompletableFuture<ReadResult> readAfterAsync(String stream, EventId after, int limit) {
			if (stream.equals(this.slowStream)) {
				return CompletableFuture.supplyAsync(() -> readAfter(stream, after, limit), this.answering);
			}
			return super.readAfterAsync(stream, after, limit);
		}

		@Override
		public void close() {
			this.answer.countDown();
			this.answering.shutdownNow();
		}

	}

	/**
	 * A store that does not pass one appended event to its listeners, like a lost
	 * pub/sub message.
	 */
	private static final class LossyStore extends DelegatingStore {

		private final long lostSequence;

		private final List<Consumer<StoredEvent>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

		LossyStore(ReplayStore delegate, long lostSequence) {
			super(delegate);
			this.lostSequence = lostSequence;
			delegate.addListener((event) -> {
				if (event.sequence() != this.lostSequence) {
					this.listeners.forEach((listener) -> listener.accept(event));
				}
			});
		}

		@Override
		public void addListener(Consumer<StoredEvent> listener) {
			this.listeners.add(listener);
		}

	}

}
