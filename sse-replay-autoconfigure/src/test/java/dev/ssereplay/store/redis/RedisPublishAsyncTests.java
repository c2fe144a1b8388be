package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
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
import dev.ssereplay.store.StreamCompletedException;
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

	@Test
	void appendsThatQueueUpForAStreamGoAsOneScriptCallEachWithItsOwnEvent() {
		RedisReplayStore store = store(10_000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		EventId start = store.head("queued");
		store.appendAsync("queued", SseEvent.of("first")).join();
		assertThat(redis.command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		assertThat(redis.command("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK");
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			sent.add(store.appendAsync("queued", SseEvent.of("tick", "n" + i)));
		}
		assertThat(redis.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
		List<StoredEvent> stored = sent.stream().map(CompletableFuture::join).toList();
		// Two sent at once, and the 98 that waited behind them in one call.
		assertThat(scriptCalls()).isLessThanOrEqualTo(5);
		assertThat(stored).extracting(StoredEvent::id)
			.containsExactlyElementsOf(LongStream.rangeClosed(2, 101).mapToObj((n) -> new EventId(start.epoch(), n))
				.toList());
		for (int i = 0; i < 100; i++) {
			assertThat(new String(stored.get(i).frame(), StandardCharsets.UTF_8))
				.isEqualTo("id: " + stored.get(i).id() + "\nevent: tick\ndata: n" + i + "\n\n");
		}
		assertThat(stored).extracting(StoredEvent::timestamp).isSorted();
		ReadResult.Events history = (ReadResult.Events) store.readAfter("queued", new EventId(start.epoch(), 1), 500);
		assertThat(history.events()).extracting((event) -> new String(event.frame(), StandardCharsets.UTF_8))
			.containsExactlyElementsOf(stored.stream().map((event) -> new String(event.frame(), StandardCharsets.UTF_8))
				.toList());
		assertThat(history.events()).extracting(StoredEvent::timestamp)
			.containsExactlyElementsOf(stored.stream().map(StoredEvent::timestamp).toList());
		// Published once each, in order, from within the script.
		await().atMost(WAIT).until(() -> received.size() == 101);
		assertThat(received.subList(1, 101)).extracting(StoredEvent::id)
			.containsExactlyElementsOf(stored.stream().map(StoredEvent::id).toList());
		assertThat(store.appendsInFlight()).isZero();
	}

	@Test
	void appendsFromSeveralThreadsToSeveralStreamsAreDenseAndInEachThreadsOrder() throws Exception {
		RedisReplayStore store = store(10_000, 64);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		List<String> streams = List.of("many-a", "many-b", "many-c");
		for (String stream : streams) {
			assertThat(store.head(stream).sequence()).isZero();
		}
		int threads = 4;
		int perStream = 300;
		ExecutorService publishers = Executors.newFixedThreadPool(threads);
		this.closeables.add(publishers::shutdownNow);
		List<Future<List<CompletableFuture<StoredEvent>>>> published = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			String thread = "t" + t;
			published.add(publishers.submit(() -> {
				List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
				for (int i = 0; i < perStream; i++) {
					for (String stream : streams) {
						sent.add(store.appendAsync(stream, SseEvent.of(thread + " " + stream + " " + i)));
					}
				}
				return sent;
			}));
		}
		for (int t = 0; t < threads; t++) {
			List<StoredEvent> stored = published.get(t).get(WAIT.toSeconds(), TimeUnit.SECONDS).stream()
				.map(CompletableFuture::join)
				.toList();
			for (int s = 0; s < streams.size(); s++) {
				String stream = streams.get(s);
				List<StoredEvent> ofStream = new ArrayList<>();
				for (int i = 0; i < perStream; i++) {
					StoredEvent event = stored.get(i * streams.size() + s);
					assertThat(event.stream()).isEqualTo(stream);
					assertThat(new String(event.frame(), StandardCharsets.UTF_8))
						.isEqualTo("id: " + event.id() + "\ndata: t" + t + " " + stream + " " + i + "\n\n");
					ofStream.add(event);
				}
				// In the order this thread made them.
				assertThat(ofStream).extracting(StoredEvent::sequence).isSorted().doesNotHaveDuplicates();
			}
		}
		for (String stream : streams) {
			ReadResult.Events history = (ReadResult.Events) store.readAfter(stream,
					new EventId(store.head(stream).epoch(), 0), 5000);
			assertThat(history.events()).extracting(StoredEvent::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, (long) threads * perStream).boxed().toList());
			await().atMost(WAIT)
				.until(() -> received.stream().filter((event) -> event.stream().equals(stream)).count() == threads
						* perStream);
			assertThat(received.stream().filter((event) -> event.stream().equals(stream)).map(StoredEvent::frame))
				.zipSatisfy(history.events().stream().map(StoredEvent::frame).toList(),
						(live, stored) -> assertThat(live).isEqualTo(stored));
		}
		assertThat(store.appendsInFlight()).isZero();
	}

	@Test
	void queuedAppendsToAnEndedStreamEachFailAsTheStreamCompleted() {
		RedisReplayStore store = store(1000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		store.appendAsync("ended", SseEvent.of("first")).join();
		StoredEvent end = store.complete("ended", SseEvent.of("end"), null);
		assertThat(redis.command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		assertThat(redis.command("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK");
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			sent.add(store.appendAsync("ended", SseEvent.of("e" + i)));
		}
		assertThat(redis.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
		for (CompletableFuture<StoredEvent> append : sent) {
			assertThat(append).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(StreamCompletedException.class);
		}
		assertThat(scriptCalls()).isLessThanOrEqualTo(5);
		assertThat(store.status("ended").end()).isEqualTo(end.id());
		assertThat(store.appendsInFlight()).isZero();
	}

	@Test
	void queuedAppendsToADeletedStreamStartItAgainInANewEpoch() {
		RedisReplayStore store = store(1000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		StoredEvent before = store.appendAsync("restarted", SseEvent.of("first")).join();
		store.delete("restarted", SseEvent.of("gone"));
		assertThat(redis.command("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK");
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			sent.add(store.appendAsync("restarted", SseEvent.of("e" + i)));
		}
		assertThat(redis.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
		List<StoredEvent> stored = sent.stream().map(CompletableFuture::join).toList();
		assertThat(stored.get(0).id().epoch()).isNotEqualTo(before.id().epoch());
		assertThat(stored).extracting(StoredEvent::id)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 20)
				.mapToObj((n) -> new EventId(stored.get(0).id().epoch(), n))
				.toList());
	}

	@Test
	void aSynchronousCompleteAfterQueuedAppendsFromOneThreadGoesAfterThem() throws Exception {
		RedisReplayStore store = store(1000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		store.appendAsync("completed", SseEvent.of("first")).join();
		assertThat(redis.command("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK");
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		this.closeables.add(publisher::shutdownNow);
		List<CompletableFuture<StoredEvent>> sent = new CopyOnWriteArrayList<>();
		Future<StoredEvent> completed = publisher.submit(() -> {
			for (int i = 0; i < 50; i++) {
				sent.add(store.appendAsync("completed", SseEvent.of("e" + i)));
			}
			return store.complete("completed", SseEvent.of("end"), null);
		});
		await().atMost(WAIT).until(() -> sent.size() == 50);
		Thread.sleep(100);
		assertThat(redis.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
		assertThat(completed.get(WAIT.toSeconds(), TimeUnit.SECONDS).sequence()).isEqualTo(52);
		assertThat(sent).extracting((append) -> append.join().sequence())
			.containsExactlyElementsOf(LongStream.rangeClosed(2, 51).boxed().toList());
	}

	@Test
	void aBatchWhoseScriptFailsFailsEachOfItsEventsAndStoresNoneOfThem() throws Exception {
		String prefix = "async-" + prefixes.incrementAndGet() + ":";
		RedisReplayStore store = store(prefix, 1000, RedisReplayStore.DEFAULT_MAX_IN_FLIGHT_APPENDS);
		StoredEvent first = store.appendAsync("broken", SseEvent.of("first")).join();
		assertThat(redis.command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		// Keeps Redis busy for half a second, with the stream's log made a string,
		// which the scripts' XADD refuses: the appends made meanwhile queue up.
		ExecutorService busy = Executors.newSingleThreadExecutor();
		this.closeables.add(busy::shutdownNow);
		Future<String> spun = busy.submit(() -> redis.command("EVAL", """
				redis.call('DEL', KEYS[1])
				redis.call('SET', KEYS[1], 'not a stream')
				local start = redis.call('TIME')
				repeat
				  local now = redis.call('TIME')
				until (now[1] - start[1]) * 1000000 + (now[2] - start[2]) > 500000
				return 1
				""", "1", prefix + "{broken}:log"));
		Thread.sleep(150);
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			sent.add(store.appendAsync("broken", SseEvent.of("e" + i)));
		}
		assertThat(spun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(":1");
		for (CompletableFuture<StoredEvent> append : sent) {
			assertThat(append).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(StoreUnavailableException.class)
				.withMessageContaining("WRONGTYPE");
		}
		// Two calls alone, and one for the 18 queued behind them.
		assertThat(scriptCalls()).isEqualTo(3);
		assertThat(store.appendsInFlight()).isZero();
		assertThat(redis.command("DEL", prefix + "{broken}:log")).isEqualTo(":1");
		StoredEvent after = store.appendAsync("broken", SseEvent.of("after")).join();
		assertThat(after.id()).isEqualTo(new EventId(first.id().epoch(), first.sequence() + 1));
	}

	// The store's scripts that Redis ran since its statistics were reset.
	private static long scriptCalls() {
		String calls = redis.command("EVAL",
				"return tonumber(string.match(redis.call('INFO', 'commandstats'), 'cmdstat_evalsha:calls=(%d+)') or 0)",
				"0");
		return Long.parseLong(calls.substring(1));
	}

	private RedisReplayStore store(int maxEventsPerStream, int maxInFlightAppends) {
		return store("async-" + prefixes.incrementAndGet() + ":", maxEventsPerStream, maxInFlightAppends);
	}

	private RedisReplayStore store(String prefix, int maxEventsPerStream, int maxInFlightAppends) {
		RedisReplayStore store = RedisReplayStore.builder(connectionFactory)
				.keyPrefix(prefix)
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
