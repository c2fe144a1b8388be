package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.EvictionReason;
import dev.ssereplay.store.IdempotentAppend;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.store.StoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What the Redis store does beyond the store contract (see
 * {@code RedisReplayStoreContractTests}): its keys, time to live, idle streams,
 * the live path as a hint, and outages. Against a private Redis server that keeps
 * its data on disk, so that it can be killed and started again.
 */
class RedisReplayStoreTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final AtomicInteger prefixes = new AtomicInteger();

	// Keeps Redis busy for ARGV[1] milliseconds, as one slow command does.
	private static final String BUSY_SCRIPT = "local t = redis.call('TIME') "
			+ "local stop = t[1] * 1000000 + t[2] + tonumber(ARGV[1]) * 1000 "
			+ "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop return 1";

	private static RedisTestServer redis;

	private static LettuceConnectionFactory connectionFactory;

	private final List<RedisReplayStore> stores = new ArrayList<>();

	@BeforeAll
	static void startRedis() {
		redis = RedisTestServer.startPersistent();
		connectionFactory = redis.connectionFactory();
	}

	@AfterAll
	static void stopRedis() {
		connectionFactory.destroy();
		redis.close();
	}

	@AfterEach
	void closeStores() {
		this.stores.forEach(RedisReplayStore::close);
	}

	@Test
	void keysOfAStreamShareAHashTagAndEntriesAreSequenceIds() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		StoredEvent event = store.append("orders.eu", SseEvent.of("x"));
		String prefix = store.keyPrefix();
		assertThat(redis.command("TYPE", prefix + "{orders.eu}:log")).isEqualTo("+stream");
		assertThat(redis.command("TYPE", prefix + "{orders.eu}:meta")).isEqualTo("+hash");
		assertThat(redis.command("HGET", prefix + "{orders.eu}:meta", "seq")).isEqualTo("$1");
		assertThat(redis.command("XLEN", prefix + "{orders.eu}:log")).isEqualTo(":1");
		assertThat(redis.command("EXISTS", prefix + "{orders.eu}:log")).isEqualTo(":1");
		assertThat(event.sequence()).isEqualTo(1);
	}

	@Test
	void readingAStreamThatHasNoEventsLeavesNoLastingKey() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		String meta = store.keyPrefix() + "{ghost}:meta";
		EventId head = store.head("ghost");
		store.readAfter("ghost", new EventId(head.epoch() + 1, 3), 10);
		long ttl = pttl(meta);
		assertThat(ttl).as("a read-only stream's key lives seconds, not the time to live").isBetween(1L, 10_000L);
		// Its first event makes it a real lifetime, kept for the time to live.
		StoredEvent first = store.append("ghost", SseEvent.of("x"));
		assertThat(first.id().epoch()).isEqualTo(head.epoch());
		assertThat(pttl(meta)).isGreaterThan(3_500_000L);
	}

	private static long pttl(String key) {
		return Long.parseLong(redis.command("PTTL", key).substring(1));
	}

	@Test
	void theStoredPublishedAndReturnedFramesAreTheSameBytes() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		EventId start = store.head("s");
		StoredEvent appended = store.append("s", SseEvent.of("prix \u00e9t\u00e9 \u20ac", "ligne 1\r\nligne 2 \uD83D\uDE00"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		StoredEvent replayed = ((ReadResult.Events) store.readAfter("s", start, 10)).events().get(0);
		assertThat(received.get(0).frame()).isEqualTo(appended.frame()).isEqualTo(replayed.frame());
		assertThat(new String(appended.frame(), StandardCharsets.UTF_8)).isEqualTo("id: " + appended.id()
				+ "\nevent: prix \u00e9t\u00e9 \u20ac\ndata: ligne 1\ndata: ligne 2 \uD83D\uDE00\n\n");
		for (StoredEvent event : List.of(received.get(0), replayed)) {
			assertThat(event.id()).isEqualTo(appended.id());
			assertThat(event.name()).isEqualTo("prix \u00e9t\u00e9 \u20ac");
			assertThat(event.stream()).isEqualTo("s");
			assertThat(event.timestamp()).isEqualTo(appended.timestamp());
		}
	}

	@Test
	void countBoundIsCountedAsEviction() {
		RedisReplayStore store = store(2, Duration.ofHours(1));
		for (int i = 0; i < 5; i++) {
			store.append("s", SseEvent.of("e" + i));
		}
		assertThat(store.evictions(EvictionReason.COUNT)).isEqualTo(3);
		assertThat(store.eventCount()).isEqualTo(-1);
		assertThat(store.byteCount()).isEqualTo(-1);
	}

	@Test
	void eventsOlderThanTheTimeToLiveAreExpired() throws InterruptedException {
		// Between the two expiries there is a window of 2 s for the checks below,
		// wide enough for a loaded machine.
		RedisReplayStore store = store(100, Duration.ofMillis(3000));
		EventId start = store.head("s");
		StoredEvent old = store.append("s", SseEvent.of("old"));
		Thread.sleep(2000);
		StoredEvent recent = store.append("s", SseEvent.of("recent"));
		await().atMost(WAIT)
			.until(() -> store.readAfter("s", start, 10)
				.equals(new ReadResult.CannotServe(ResyncReason.EXPIRED, recent.id())));
		ReadResult fromOld = store.readAfter("s", old.id(), 10);
		assertThat(fromOld).isInstanceOf(ReadResult.Events.class);
		assertThat(((ReadResult.Events) fromOld).events()).extracting(StoredEvent::id).containsExactly(recent.id());
		assertThat(store.evictions(EvictionReason.EXPIRED)).isEqualTo(1);
	}

	@Test
	void anIdempotencyKeyIsAKeyInTheStreamsSlotThatLivesForTheTimeToLive() {
		RedisReplayStore store = store(100, Duration.ofMillis(3000));
		IdempotentAppend first = store.appendOnce("orders.eu", SseEvent.of("x"), new IdempotencyKey("order 42"));
		String key = store.keyPrefix() + "{orders.eu}:key:order 42";
		assertThat(redis.command("GET", key)).isEqualTo("$" + first.id().toString().length());
		long ttl = Long.parseLong(redis.command("PTTL", key).substring(1));
		assertThat(ttl).isBetween(1L, 3000L);
		// Gone after the time to live, while the stream lives on.
		await().atMost(WAIT).until(() -> {
			store.append("orders.eu", SseEvent.of("keeps the stream alive"));
			return redis.command("EXISTS", key).equals(":0");
		});
		IdempotentAppend later = store.appendOnce("orders.eu", SseEvent.of("x"), new IdempotencyKey("order 42"));
		assertThat(later.repeated()).isFalse();
		assertThat(later.id().epoch()).isEqualTo(first.id().epoch());
	}

	@Test
	void twoStoresOnOneRedisStoreARetriedPublishOnce() {
		RedisReplayStore one = store(100, Duration.ofHours(1));
		RedisReplayStore other = RedisReplayStore.builder(connectionFactory)
				.keyPrefix(one.keyPrefix())
				.maxEventsPerStream(100)
				.timeToLive(Duration.ofHours(1))
				.commandTimeout(Duration.ofSeconds(1))
				.pubSub(RedisPubSub.CLASSIC)
				.build();
		this.stores.add(other);
		IdempotencyKey key = new IdempotencyKey("retried");
		IdempotentAppend first = one.appendOnce("s", SseEvent.of("x"), key);
		assertThat(other.appendOnce("s", SseEvent.of("x"), key)).isEqualTo(new IdempotentAppend(first.id(), true));
		assertThat(other.head("s")).isEqualTo(first.id());
	}

	@Test
	void anIdleStreamDisappearsAndComesBackInANewEpoch() {
		RedisReplayStore store = store(100, Duration.ofMillis(500));
		StoredEvent before = store.append("s", SseEvent.of("x"));
		await().atMost(WAIT).until(() -> redis.command("EXISTS", store.keyPrefix() + "{s}:meta").equals(":0"));
		assertThat(redis.command("EXISTS", store.keyPrefix() + "{s}:log")).isEqualTo(":0");
		StoredEvent after = store.append("s", SseEvent.of("y"));
		assertThat(after.id().epoch()).isNotEqualTo(before.id().epoch());
		assertThat(after.sequence()).isEqualTo(1);
		assertThat(store.readAfter("s", before.id(), 10))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, after.id()));
	}

	@Test
	void aStreamWithSubscribersKeepsItsEpochWhileIdle() throws InterruptedException {
		RedisReplayStore store = store(100, Duration.ofMillis(600));
		store.retainWhile("kept"::equals);
		EventId kept = store.head("kept");
		EventId other = store.head("other");
		for (int i = 0; i < 8; i++) {
			Thread.sleep(250);
			store.housekeep();
		}
		assertThat(store.head("kept")).isEqualTo(kept);
		assertThat(store.head("other").epoch()).isNotEqualTo(other.epoch());
	}

	@Test
	void aLiveMessageThatNeverArrivesIsPassedOnFromTheHistory() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.retainWhile("s"::equals);
		store.head("s");
		StoredEvent published = store.append("s", SseEvent.of("published"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		EventId silent = appendWithoutPublishing(connectionFactory, store.keyPrefix(), "s", "silent");
		assertThat(silent).isEqualTo(published.id().next());
		// The first pass sees the live path behind, the second passes the event on.
		await().atMost(WAIT).until(() -> {
			store.housekeep();
			return received.size() == 2;
		});
		assertThat(received).extracting(StoredEvent::id).containsExactly(published.id(), silent);
		assertThat(new String(received.get(1).frame(), StandardCharsets.UTF_8)).contains("data: silent\n");
	}

	@Test
	void aLiveMessageLostWhileTheSubscriptionReconnectsIsPassedOnFromTheHistory() throws InterruptedException {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.retainWhile("s"::equals);
		store.head("s");
		StoredEvent published = store.append("s", SseEvent.of("published"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		// Seconds after its last live message, the stream is touched every 30 s only:
		// without the reconnect, the lost message would wait for that.
		for (int i = 0; i < 20; i++) {
			Thread.sleep(200);
			store.housekeep();
		}
		EventId silent = appendWithoutPublishing(connectionFactory, store.keyPrefix(), "s", "silent");
		assertThat(silent).isEqualTo(published.id().next());
		assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).startsWith(":");
		await().atMost(WAIT).until(() -> {
			store.housekeep();
			return received.size() == 2;
		});
		assertThat(received).extracting(StoredEvent::id).containsExactly(published.id(), silent);
	}

	@ParameterizedTest
	@EnumSource(names = { "SHARDED", "CLASSIC" })
	void aStoreToldWhichStreamsAreInUseReceivesTheirEventsOnly(RedisPubSub pubSub) {
		if (pubSub == RedisPubSub.SHARDED) {
			RedisTestServer.assumeShardedPubSub();
		}
		RedisReplayStore store = store(100, Duration.ofHours(1), pubSub);
		List<String> inUse = new CopyOnWriteArrayList<>(List.of("a"));
		store.retainWhile(inUse::contains);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.head("a");
		store.head("b");
		String channel = store.keyPrefix() + "{a}:live";
		assertThat(subscribers(channel, pubSub)).isEqualTo(1);
		if (RedisTestServer.shardedPubSubSupported()) {
			// Redis 6.2 cannot count sharded subscribers.
			assertThat(subscribers(channel, (pubSub == RedisPubSub.SHARDED) ? RedisPubSub.CLASSIC
					: RedisPubSub.SHARDED)).isZero();
		}
		assertThat(subscribers(store.keyPrefix() + "{b}:live", pubSub)).isZero();
		store.append("b", SseEvent.of("not followed here"));
		StoredEvent followed = store.append("a", SseEvent.of("followed"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		store.append("b", SseEvent.of("not followed here either"));
		StoredEvent later = store.append("a", SseEvent.of("later"));
		await().atMost(WAIT).until(() -> received.size() == 2);
		assertThat(received).extracting(StoredEvent::id).containsExactly(followed.id(), later.id());
		// Its channel is left once the stream has no subscribers here.
		inUse.clear();
		await().atMost(WAIT).until(() -> {
			store.housekeep();
			return subscribers(channel, pubSub) == 0;
		});
	}

	@Test
	void autoUsesShardedPubSubOnRedis7() {
		RedisTestServer.assumeShardedPubSub();
		RedisReplayStore store = store(100, Duration.ofHours(1), RedisPubSub.AUTO);
		store.retainWhile("a"::equals);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.head("a");
		String channel = store.keyPrefix() + "{a}:live";
		assertThat(subscribers(channel, RedisPubSub.SHARDED)).isEqualTo(1);
		assertThat(subscribers(channel, RedisPubSub.CLASSIC)).isZero();
		StoredEvent appended = store.append("a", SseEvent.of("x"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		assertThat(received).extracting(StoredEvent::id).containsExactly(appended.id());
	}

	@Test
	void aStoreWithShardedPubSubCannotListenToEveryStream() {
		RedisReplayStore store = store(100, Duration.ofHours(1), RedisPubSub.SHARDED);
		assertThatIllegalStateException().isThrownBy(() -> store.addListener((event) -> {
		})).withMessageContaining("retainWhile").withMessageContaining("classic pub/sub on every instance");
	}

	// PUBSUB NUMSUB counts classic subscribers, PUBSUB SHARDNUMSUB sharded ones.
	private static long subscribers(String channel, RedisPubSub pubSub) {
		RedisClient client = (RedisClient) connectionFactory.getNativeClient();
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return (pubSub == RedisPubSub.SHARDED) ? connection.sync().pubsubShardNumsub(channel).get(channel)
					: connection.sync().pubsubNumsub(channel).get(channel);
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "SHARDED", "CLASSIC" })
	void aLiveMessageLostWhileAStreamsChannelIsSubscribedAgainIsPassedOnFromTheHistory(RedisPubSub pubSub)
			throws InterruptedException {
		if (pubSub == RedisPubSub.SHARDED) {
			RedisTestServer.assumeShardedPubSub();
		}
		RedisReplayStore store = store(100, Duration.ofHours(1), pubSub);
		store.retainWhile("s"::equals);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.head("s");
		StoredEvent published = store.append("s", SseEvent.of("published"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		for (int i = 0; i < 20; i++) {
			Thread.sleep(200);
			store.housekeep();
		}
		EventId silent = appendWithoutPublishing(connectionFactory, store.keyPrefix(), "s", "silent");
		assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).startsWith(":");
		await().atMost(WAIT).until(() -> {
			store.housekeep();
			return received.size() == 2;
		});
		assertThat(received).extracting(StoredEvent::id).containsExactly(published.id(), silent);
		StoredEvent after = store.append("s", SseEvent.of("after"));
		await().atMost(WAIT).until(() -> received.size() == 3);
		assertThat(received.get(2).id()).isEqualTo(after.id());
	}

	@Test
	void aFlushedRedisStartsANewEpochWhoseEventsReachListeners() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		StoredEvent before = store.append("s", SseEvent.of("before"));
		redis.flushAll();
		StoredEvent after = store.append("s", SseEvent.of("after"));
		assertThat(after.id().epoch()).isNotEqualTo(before.id().epoch());
		await().atMost(WAIT).until(() -> received.size() == 2);
		assertThat(received).extracting(StoredEvent::id).containsExactly(before.id(), after.id());
		assertThat(store.readAfter("s", before.id(), 10))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, after.id()));
	}

	@Test
	void foreignMessagesOnTheChannelsAreIgnored() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		redis.command("PUBLISH", store.keyPrefix() + "{s}:live", "not an event");
		redis.command("PUBLISH", store.keyPrefix() + "{bad name!}:live", "1\nid: 1-1\ndata: x\n\n");
		StoredEvent event = store.append("s", SseEvent.of("x"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		assertThat(received.get(0).id()).isEqualTo(event.id());
	}

	@Test
	void anOutageFailsFastAndLosesNothingStored() {
		// Redis writes every command to disk before it answers: the epoch can be kept.
		RedisReplayStore store = RedisReplayStore.builder(connectionFactory)
				.keyPrefix("outage:")
				.maxEventsPerStream(100)
				.timeToLive(Duration.ofHours(1))
				.commandTimeout(Duration.ofSeconds(3))
				.keepEpochAcrossRestarts(true)
				.pubSub(RedisPubSub.CLASSIC)
				.build();
		this.stores.add(store);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		EventId start = store.head("s");
		StoredEvent before = store.append("s", SseEvent.of("before"));
		// Live delivery is asynchronous: let it arrive before the server goes away.
		await().atMost(WAIT).until(() -> received.stream().anyMatch((event) -> event.id().equals(before.id())));
		redis.kill();
		try {
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.append("s", SseEvent.of("lost")))
				.withMessageContaining("append to stream 's'");
			// Nothing is sent while the connection is down: calls fail at once, not
			// after the command timeout.
			long failing = System.nanoTime();
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.readAfter("s", start, 10))
				.withMessageContaining("read stream 's'");
			assertThat(Duration.ofNanos(System.nanoTime() - failing)).isLessThan(Duration.ofSeconds(2));
			assertThat(store.isReachable()).isFalse();
			store.housekeep();
		}
		finally {
			redis.startAgain();
		}
		StoredEvent after = await().atMost(WAIT).ignoreException(StoreUnavailableException.class)
			.until(() -> store.append("s", SseEvent.of("after")), (event) -> event != null);
		assertThat(after.id()).isEqualTo(before.id().next());
		ReadResult history = store.readAfter("s", start, 10);
		assertThat(((ReadResult.Events) history).events()).extracting(StoredEvent::id)
			.containsExactly(before.id(), after.id());
		// The subscription came back by itself; later events are live again.
		StoredEvent later = await().atMost(WAIT).until(() -> {
			StoredEvent appended = store.append("s", SseEvent.of("later"));
			Thread.sleep(200);
			return received.stream().anyMatch((event) -> event.id().equals(appended.id())) ? appended : null;
		}, (event) -> event != null);
		assertThat(received).extracting(StoredEvent::id).contains(before.id()).contains(later.id());
	}

	@Test
	void oneSlowCommandDoesNotFailTheCallsAfterIt() throws Exception {
		RedisReplayStore store = RedisReplayStore.builder(connectionFactory)
				.keyPrefix("slow-" + prefixes.incrementAndGet() + ":")
				.maxEventsPerStream(100)
				.timeToLive(Duration.ofHours(1))
				.commandTimeout(Duration.ofSeconds(1))
				.pubSub(RedisPubSub.CLASSIC)
				.build();
		this.stores.add(store);
		EventId start = store.head("s");
		// Another client's script keeps Redis busy for 1.5 s: longer than the
		// store's timeout, shorter than two. On a loaded machine the script may
		// start after the publish was answered; then the scenario is run again.
		StoreUnavailableException timedOut = null;
		for (int attempt = 1; timedOut == null; attempt++) {
			CompletableFuture<String> busy = CompletableFuture
				.supplyAsync(() -> redis.command("EVAL", BUSY_SCRIPT, "0", "1500"));
			Thread.sleep(200);
			try {
				store.append("s", SseEvent.of("sent while Redis is busy"));
			}
			catch (StoreUnavailableException ex) {
				timedOut = ex;
			}
			assertThat(busy.get(20, TimeUnit.SECONDS)).isEqualTo(":1");
			assertThat(attempt).as("attempts to publish while Redis is busy").isLessThan(4);
		}
		assertThat(timedOut).hasMessageContaining("did not answer within 1000 ms");
		// Redis answers again, and so do the calls: at once, not a second after the
		// timeout.
		StoredEvent after = store.append("s", SseEvent.of("after"));
		ReadResult history = store.readAfter("s", start, 10);
		assertThat(((ReadResult.Events) history).events()).extracting(StoredEvent::id).endsWith(after.id());
		assertThat(store.isReachable()).isTrue();
	}

	@Test
	void anAsynchronousReadAnswersAsAReadAndSendsAScriptRedisLostAgain() throws Exception {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		EventId start = store.head("s");
		StoredEvent first = store.append("s", SseEvent.of("a"));
		StoredEvent second = store.append("s", SseEvent.of("b"));
		ReadResult page = store.readAfterAsync("s", start, 10).get(20, TimeUnit.SECONDS);
		assertThat(((ReadResult.Events) page).events()).extracting(StoredEvent::id)
			.containsExactly(first.id(), second.id());
		assertThat(((ReadResult.Events) page).head()).isEqualTo(second.id());
		assertThat(redis.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
		ReadResult afterFlush = store.readAfterAsync("s", first.id(), 10).get(20, TimeUnit.SECONDS);
		assertThat(((ReadResult.Events) afterFlush).events()).extracting(StoredEvent::id).containsExactly(second.id());
		assertThat(store.readAfterAsync("s", new EventId(first.id().epoch() + 1, 1), 10).get(20, TimeUnit.SECONDS))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, second.id()));
	}

	@Test
	void aRestartedRedisStartsANewEpochUnlessTheEpochIsKept() {
		RedisReplayStore store = store(100, Duration.ofHours(1));
		EventId start = store.head("s");
		StoredEvent before = store.append("s", SseEvent.of("before"));
		redis.kill();
		redis.startAgain();
		// Redis kept the event, but cannot promise it kept every acknowledged one.
		assertThat(redis.command("XLEN", store.keyPrefix() + "{s}:log")).isEqualTo(":1");
		StoredEvent after = await().atMost(WAIT).ignoreException(StoreUnavailableException.class)
			.until(() -> store.append("s", SseEvent.of("after")), (event) -> event != null);
		assertThat(after.id().epoch()).isNotEqualTo(before.id().epoch());
		assertThat(after.sequence()).isEqualTo(1);
		assertThat(store.readAfter("s", start, 10))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, after.id()));
	}

	@Test
	void aStoreCreatedWhileRedisIsDownSubscribesOnceItIsBack() {
		redis.kill();
		RedisReplayStore store;
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		try {
			store = store(100, Duration.ofHours(1));
			store.addListener(received::add);
			assertThat(store.isListening()).isFalse();
			store.housekeep();
		}
		finally {
			redis.startAgain();
		}
		await().atMost(WAIT).until(() -> {
			store.housekeep();
			return store.isListening();
		});
		StoredEvent event = await().atMost(WAIT).ignoreException(StoreUnavailableException.class)
			.until(() -> store.append("s", SseEvent.of("x")), (appended) -> appended != null);
		await().atMost(WAIT).until(() -> received.size() == 1);
		assertThat(received.get(0).id()).isEqualTo(event.id());
	}

	@Test
	void anAsynchronousAppendThatCannotLearnTheRedisVersionFailsItsFutureWithoutThrowing() {
		redis.kill();
		RedisReplayStore store;
		CompletableFuture<StoredEvent> appended;
		try {
			store = store(100, Duration.ofHours(1), RedisPubSub.AUTO);
			appended = store.appendAsync("s", SseEvent.of("x"));
		}
		finally {
			redis.startAgain();
		}
		assertThat(appended).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(StoreUnavailableException.class);
		// Asked again once Redis is back.
		StoredEvent stored = await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> store.appendAsync("s", SseEvent.of("y")).join(), (event) -> event != null);
		assertThat(store.head("s")).isEqualTo(stored.id());
	}

	@Test
	void aShardedSubscriptionAskedForWhileRedisIsDownLeavesTheOthersToLettucesReconnect() {
		RedisTestServer.assumeShardedPubSub();
		RedisReplayStore store = store(100, Duration.ofHours(1), RedisPubSub.SHARDED);
		List<String> inUse = new CopyOnWriteArrayList<>(List.of("a", "b"));
		store.retainWhile(inUse::contains);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.head("a");
		String channel = store.keyPrefix() + "{a}:live";
		assertThat(subscribers(channel, RedisPubSub.SHARDED)).isEqualTo(1);
		redis.kill();
		try {
			// Subscribing to b while Redis is down fails, and must not give up the
			// connection that Lettuce is reconnecting with a's subscription.
			assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> store.head("b"));
		}
		finally {
			redis.startAgain();
		}
		// Without a read or a housekeeping pass: Lettuce subscribed again by itself.
		await().atMost(WAIT).ignoreExceptions().until(() -> subscribers(channel, RedisPubSub.SHARDED) == 1);
		StoredEvent after = store.append("a", SseEvent.of("after"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		assertThat(received).extracting(StoredEvent::id).containsExactly(after.id());
	}

	@Test
	void aKeyPrefixWithBracesIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisReplayStore.builder(connectionFactory)
					.keyPrefix("a{b}")
					.maxEventsPerStream(10)
					.timeToLive(Duration.ofHours(1))
					.commandTimeout(Duration.ofSeconds(1))
					.pubSub(RedisPubSub.CLASSIC)
					.build())
			.withMessageContaining("'a{b}'");
	}

	@Test
	void patternMatchesPrefixesWithGlobCharactersLiterally() {
		RedisKeys keys = new RedisKeys("app*[1]:");
		assertThat(keys.pattern()).isEqualTo("app\\*\\[1\\]:{*}:live");
		assertThat(keys.streamOf(keys.channel("orders"))).isEqualTo("orders");
		assertThat(keys.streamOf("app*[1]:{bad name}:live".getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(keys.streamOf("other:{orders}:live".getBytes(StandardCharsets.UTF_8))).isNull();
	}

	/**
	 * Appends the way the store does, but publishes to a channel nobody listens
	 * to: the live message of this event is lost.
	 */
	static EventId appendWithoutPublishing(LettuceConnectionFactory connectionFactory, String keyPrefix,
			String stream, String data) {
		RedisKeys keys = new RedisKeys(keyPrefix);
		List<Object> reply = new ScriptRunner(connectionFactory, Duration.ofSeconds(10)).run(RedisScript.APPEND,
				"append without publishing", keys.of(stream), RedisKeys.bytes(Long.toString(EventId.newEpoch(), 36)),
				SseFormat.body(SseEvent.of(data)), RedisKeys.bytes("1000"), RedisKeys.bytes("3600000"),
				RedisKeys.bytes("nobody-listens"), RedisKeys.bytes(""), RedisKeys.bytes(""), RedisKeys.bytes("3600000"),
				RedisKeys.bytes("PUBLISH"));
		return new EventId(Long.parseLong(new String((byte[]) reply.get(0), StandardCharsets.US_ASCII), 36),
				(Long) reply.get(1));
	}

	// Classic pub/sub unless named: most tests listen to every stream.
	private RedisReplayStore store(int maxEventsPerStream, Duration timeToLive) {
		return store(maxEventsPerStream, timeToLive, RedisPubSub.CLASSIC);
	}

	private RedisReplayStore store(int maxEventsPerStream, Duration timeToLive, RedisPubSub pubSub) {
		RedisReplayStore store = RedisReplayStore.builder(connectionFactory)
				.keyPrefix("store-" + prefixes.incrementAndGet() + ":")
				.maxEventsPerStream(maxEventsPerStream)
				.timeToLive(timeToLive)
				.commandTimeout(Duration.ofSeconds(1))
				.pubSub(pubSub)
				.build();
		this.stores.add(store);
		return store;
	}

}
