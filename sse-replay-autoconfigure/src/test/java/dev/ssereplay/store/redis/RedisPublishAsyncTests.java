package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.web.SseReplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Appends that do not wait for Redis ({@link RedisReplayStore#appendAsync} and
 * {@link SseReplay#publishAsync}): many on their way on the shared connection,
 * in the order sent, bounded, counted by the broker, and failing rather than
 * being sent again out of order when Redis lost its scripts. Against a private
 * Redis server; the same on a cluster is in {@code RedisClusterTests}.
 */
class RedisPublishAsyncTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final AtomicInteger prefixes = new AtomicInteger();

	private static RedisTestServer redis;

	private static LettuceConnectionFactory connectionFactory;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void startRedis() {
		redis = RedisTestServer.start();
		connectionFactory = redis.connectionFactory();
	}

	@AfterAll
	static void stopRedis() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@AfterEach
	void close() throws Exception {
		// Never leave the server paused for the next test.
		redis.command("CLIENT", "UNPAUSE");
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void appendsSentFromOneThreadAreStoredAndPublishedDenselyInTheOrderSent() {
		RedisReplayStore store = store(10_000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		EventId start = store.head("ordered");
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			sent.add(store.appendAsync("ordered", SseEvent.of("tick", "n" + i)));
		}
		List<StoredEvent> stored = sent.stream().map(CompletableFuture::join).toList();
		assertThat(stored).extracting(StoredEvent::id)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 2000).mapToObj((n) -> new EventId(start.epoch(), n))
				.toList());
		assertThat(new String(stored.get(7).frame(), StandardCharsets.UTF_8))
			.isEqualTo("id: " + stored.get(7).id() + "\nevent: tick\ndata: n7\n\n");
		ReadResult.Events history = (ReadResult.Events) store.readAfter("ordered", start, 5000);
		assertThat(history.events()).extracting((event) -> new String(event.frame(), StandardCharsets.UTF_8))
			.containsExactlyElementsOf(stored.stream().map((event) -> new String(event.frame(), StandardCharsets.UTF_8))
				.toList());
		await().atMost(WAIT).until(() -> received.size() == 2000);
		assertThat(received).extracting(StoredEvent::id)
			.containsExactlyElementsOf(stored.stream().map(StoredEvent::id).toList());
		assertThat(store.appendsInFlight()).isZero();
	}

	@Test
	void publishAsyncIsCountedByTheBrokerAndAnswersIdsInTheOrderSent() {
		RedisReplayStore store = store(1000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		ExecutorService writers = Executors.newFixedThreadPool(2);
		Broker broker = new Broker(store, BrokerOptions.builder().heartbeatInterval(Duration.ofMinutes(1)).build(),
				writers);
		this.closeables.add(writers::shutdownNow);
		this.closeables.add(broker::close);
		SseReplay sseReplay = new SseReplay(broker, null, Duration.ZERO, 1 << 20);
		List<CompletableFuture<String>> ids = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			ids.add(sseReplay.publishAsync("counted", (i % 2 == 0) ? null : "odd", "e" + i));
		}
		List<Long> sequences = ids.stream().map(CompletableFuture::join).map(EventId::parse)
			.map(EventId::sequence)
			.toList();
		assertThat(sequences).containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
		assertThat(broker.statistics().getPublished()).isEqualTo(100);
	}

	@Test
	void aPublisherBeyondTheBoundWaitsUntilAnAppendInFlightIsAnswered() throws Exception {
		RedisReplayStore store = store(1000, 2);
		// Loads the script before Redis holds writes back.
		store.appendAsync("bounded", SseEvent.of("first")).join();
		assertThat(redis.command("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK");
		CompletableFuture<StoredEvent> second = store.appendAsync("bounded", SseEvent.of("second"));
		CompletableFuture<StoredEvent> third = store.appendAsync("bounded", SseEvent.of("third"));
		assertThat(store.appendsInFlight()).isEqualTo(2);
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		this.closeables.add(publisher::shutdownNow);
		AtomicBoolean unpaused = new AtomicBoolean();
		Future<Boolean> fourthReturned = publisher.submit(() -> {
			CompletableFuture<StoredEvent> fourth = store.appendAsync("bounded", SseEvent.of("fourth"));
			// It could only be sent once Redis had answered one of the two in flight.
			boolean waited = unpaused.get();
			assertThat(fourth.join().sequence()).isEqualTo(4);
			return waited;
		});
		// Held back by the paused server, so the fourth waits for a place.
		assertThat(second).isNotDone();
		assertThat(third).isNotDone();
		assertThat(fourthReturned).isNotDone();
		unpaused.set(true);
		assertThat(redis.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
		assertThat(fourthReturned.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(second.join().sequence()).isEqualTo(2);
		assertThat(third.join().sequence()).isEqualTo(3);
		await().atMost(WAIT).until(() -> store.appendsInFlight() == 0);
	}

	@Test
	void appendsSentWhenRedisLostItsScriptsFailAndThoseStoredKeepTheOrderSent() {
		RedisReplayStore store = store(1000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		StoredEvent before = store.appendAsync("flushed", SseEvent.of("before")).join();
		assertThat(redis.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			sent.add(store.appendAsync("flushed", SseEvent.of("e" + i)));
		}
		List<Long> stored = new ArrayList<>();
		int failed = 0;
		for (CompletableFuture<StoredEvent> future : sent) {
			try {
				stored.add(future.join().sequence());
			}
			catch (CompletionException ex) {
				assertThat(ex.getCause()).isInstanceOf(StoreUnavailableException.class)
					.hasMessageContaining("did not have the store's script");
				failed++;
			}
		}
		// Redis had not run the first at all: it failed, and was not sent again
		// after the others.
		assertThat(sent.get(0)).isCompletedExceptionally();
		assertThat(failed).isPositive();
		assertThat(stored).containsExactlyElementsOf(
				LongStream.rangeClosed(before.sequence() + 1, before.sequence() + stored.size()).boxed().toList());
		// The script is loaded again for the next call.
		StoredEvent after = store.appendAsync("flushed", SseEvent.of("after")).join();
		assertThat(after.sequence()).isEqualTo(before.sequence() + stored.size() + 1);
		assertThat(after.id().epoch()).isEqualTo(before.id().epoch());
	}

	private RedisReplayStore store(int maxEventsPerStream, int maxInFlightAppends) {
		RedisReplayStore store = RedisReplayStore.builder(connectionFactory)
				.keyPrefix("async-" + prefixes.incrementAndGet() + ":")
				.maxEventsPerStream(maxEventsPerStream)
				.timeToLive(Duration.ofHours(1))
				.commandTimeout(Duration.ofSeconds(30))
				.maxInFlightAppends(maxInFlightAppends)
				.pubSub(RedisPubSub.CLASSIC)
				.build();
		this.closeables.add(store);
		return store;
	}

}
