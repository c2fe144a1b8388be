package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lettuce.core.cluster.RedisClusterClient;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamPage;
import dev.ssereplay.store.StreamSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The Redis store on a real Redis Cluster of three masters with a replica each,
 * reached through a cluster-aware Lettuce connection factory: streams spread
 * over the masters with both keys of a stream on one, the live path crosses
 * nodes, appends sent without waiting keep their order on every master and
 * those that queue up for a stream go in one script call there, sharded
 * subscriptions follow their slot and stay put through a topology refresh, a
 * master that does not answer fails only its own streams, and listing streams
 * visits every master. The store contract on a
 * cluster is {@code RedisClusterContractTests}; application instances and a
 * failover are {@code RedisClusterInstancesTests}.
 */
class RedisClusterTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	// Their hash tags fall on all three masters' slot ranges (0-5460,
	// 5461-10921, 10922-16383), which the assertions check.
	private static final List<String> STREAMS = List.of("orders", "ticks", "chat", "prices", "events", "scores");

	private static final AtomicInteger prefixes = new AtomicInteger();

	private static RedisTestCluster cluster;

	private static LettuceConnectionFactory connectionFactory;

	private final List<RedisReplayStore> stores = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		cluster = RedisTestCluster.start(3, 1);
		connectionFactory = cluster.connectionFactory();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void closeStores() {
		this.stores.forEach(RedisReplayStore::close);
	}

	@Test
	void streamsSpreadOverEveryMasterWithBothKeysOfAStreamOnOne() {
		RedisReplayStore store = store(connectionFactory);
		Set<Integer> masters = new HashSet<>();
		for (String stream : STREAMS) {
			StoredEvent first = store.append(stream, SseEvent.of("1"));
			StoredEvent second = store.append(stream, SseEvent.of("2"));
			assertThat(second.id()).isEqualTo(first.id().next());
			String meta = store.keyPrefix() + "{" + stream + "}:meta";
			String log = store.keyPrefix() + "{" + stream + "}:log";
			int master = cluster.masterOf(meta);
			assertThat(cluster.masterOf(log)).isEqualTo(master);
			// The keys are on that master itself, not reached through a redirect.
			assertThat(RedisTestCluster.call(master, "EXISTS", meta, log)).isEqualTo(2L);
			assertThat(RedisTestCluster.call(master, "XLEN", log)).isEqualTo(2L);
			masters.add(master);
		}
		assertThat(masters).containsExactlyInAnyOrderElementsOf(cluster.masterPorts());
	}

	@Test
	void liveEventsOfStreamsOnEveryMasterReachTheListenersOfEveryInstanceInOrder() {
		// Two instances of an application: two connection factories, two stores.
		LettuceConnectionFactory otherFactory = cluster.connectionFactory();
		RedisReplayStore first = store(connectionFactory);
		RedisReplayStore second = store(otherFactory, first.keyPrefix());
		List<StoredEvent> onFirst = new CopyOnWriteArrayList<>();
		List<StoredEvent> onSecond = new CopyOnWriteArrayList<>();
		first.addListener(onFirst::add);
		second.addListener(onSecond::add);
		assertThat(first.isListening()).isTrue();
		assertThat(second.isListening()).isTrue();
		Map<String, List<EventId>> published = publishTenEachAlternately(first, second);
		int total = 10 * STREAMS.size();
		await().atMost(WAIT).until(() -> onFirst.size() == total && onSecond.size() == total);
		for (String stream : STREAMS) {
			assertThat(published.get(stream)).extracting(EventId::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
			for (List<StoredEvent> received : List.of(onFirst, onSecond)) {
				assertThat(received.stream().filter((event) -> event.stream().equals(stream)).map(StoredEvent::id))
					.containsExactlyElementsOf(published.get(stream));
			}
		}
		// Each pattern subscription sits on one node, so events appended on the
		// other masters reached it across the cluster bus.
		List<Integer> subscribed = new ArrayList<>();
		for (int port : cluster.ports()) {
			long patterns = (Long) RedisTestCluster.call(port, "PUBSUB", "NUMPAT");
			for (long i = 0; i < patterns; i++) {
				subscribed.add(port);
			}
		}
		assertThat(subscribed).hasSize(2);
		assertThat(cluster.masterPorts()).isNotEmpty().anyMatch((master) -> !subscribed.contains(master));
	}

	@Test
	void appendsSentFromOneThreadKeepTheOrderSentOnEveryMaster() {
		RedisReplayStore store = store(connectionFactory);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 600; i++) {
			sent.add(store.appendAsync(STREAMS.get(i % STREAMS.size()), SseEvent.of("e" + i)));
		}
		List<StoredEvent> stored = sent.stream().map(CompletableFuture::join).toList();
		for (int s = 0; s < STREAMS.size(); s++) {
			List<StoredEvent> ofStream = new ArrayList<>();
			for (int i = s; i < stored.size(); i += STREAMS.size()) {
				ofStream.add(stored.get(i));
			}
			assertThat(ofStream).extracting(StoredEvent::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
			assertThat(ofStream.stream().map((event) -> event.id().epoch()).distinct()).hasSize(1);
		}
		await().atMost(WAIT).until(() -> received.size() == 600);
		for (String stream : STREAMS) {
			assertThat(received.stream().filter((event) -> event.stream().equals(stream)).map(StoredEvent::sequence))
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
		}
	}

	@Test
	void shardedLiveEventsTravelToTheMasterOfTheirStreamOnly() {
		RedisTestServer.assumeShardedPubSub();
		LettuceConnectionFactory otherFactory = cluster.connectionFactory();
		RedisReplayStore first = store(connectionFactory, "sharded-" + prefixes.incrementAndGet() + ":",
				Duration.ofSeconds(10), RedisPubSub.SHARDED);
		RedisReplayStore second = store(otherFactory, first.keyPrefix(), Duration.ofSeconds(10), RedisPubSub.SHARDED);
		List<StoredEvent> onFirst = new CopyOnWriteArrayList<>();
		List<StoredEvent> onSecond = new CopyOnWriteArrayList<>();
		for (RedisReplayStore store : List.of(first, second)) {
			store.retainWhile(STREAMS::contains);
			store.addListener(((store == first) ? onFirst : onSecond)::add);
			STREAMS.forEach(store::head);
		}
		// Each instance subscribed to each stream's channel on that stream's master,
		// and nowhere else.
		for (String stream : STREAMS) {
			String channel = first.keyPrefix() + "{" + stream + "}:live";
			int master = cluster.masterOf(first.keyPrefix() + "{" + stream + "}:meta");
			for (int port : cluster.ports()) {
				assertThat(RedisTestCluster.shardSubscribers(port, channel)).as(channel + " on " + port)
					.isEqualTo((port == master) ? 2 : 0);
			}
		}
		long classicBefore = cluster.busMessages("cluster_stats_messages_publish_sent");
		Map<String, List<EventId>> published = publishTenEachAlternately(first, second);
		int total = 10 * STREAMS.size();
		await().atMost(WAIT).until(() -> onFirst.size() == total && onSecond.size() == total);
		for (String stream : STREAMS) {
			for (List<StoredEvent> received : List.of(onFirst, onSecond)) {
				assertThat(received.stream().filter((event) -> event.stream().equals(stream)).map(StoredEvent::id))
					.containsExactlyElementsOf(published.get(stream));
			}
		}
		// Not one classic message crossed the cluster bus to every node.
		assertThat(cluster.busMessages("cluster_stats_messages_publish_sent")).isEqualTo(classicBefore);
	}

	@Test
	void aShardedSubscriptionFollowsItsSlotToTheReplicaThatTookOver() {
		RedisTestServer.assumeShardedPubSub();
		// A stream of its own slot range: its master is failed over.
		String stream = "moved";
		RedisReplayStore store = store(connectionFactory, "moved-" + prefixes.incrementAndGet() + ":",
				Duration.ofSeconds(10), RedisPubSub.SHARDED);
		store.retainWhile(stream::equals);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		store.head(stream);
		String channel = store.keyPrefix() + "{" + stream + "}:live";
		int master = cluster.masterOf(store.keyPrefix() + "{" + stream + "}:meta");
		assertThat(RedisTestCluster.shardSubscribers(master, channel)).isEqualTo(1);
		int promoted = cluster.failover(master);
		assertThat(promoted).isNotEqualTo(master);
		// Redis ended the subscription on the former master, and the store made it
		// on the new one, without waiting for a lost event or housekeeping.
		await().atMost(WAIT).until(() -> RedisTestCluster.shardSubscribers(promoted, channel) == 1);
		StoredEvent after = store.append(stream, SseEvent.of("after"));
		await().atMost(WAIT).until(() -> received.size() == 1);
		assertThat(received).extracting(StoredEvent::id).containsExactly(after.id());
	}

	@Test
	void aTopologyRefreshDoesNotMakeShardedSubscriptionsAgain() {
		RedisTestServer.assumeShardedPubSub();
		String stream = "refreshed";
		RedisReplayStore store = store(connectionFactory, "refreshed-" + prefixes.incrementAndGet() + ":",
				Duration.ofSeconds(10), RedisPubSub.SHARDED);
		store.retainWhile(stream::equals);
		store.addListener((event) -> {
		});
		store.head(stream);
		int master = cluster.masterOf(store.keyPrefix() + "{" + stream + "}:meta");
		long subscribes = shardSubscribeCalls(master);
		// Opens a connection to every node and closes it: the store's own
		// connection to the master is not lost.
		((RedisClusterClient) connectionFactory.getRequiredNativeClient()).refreshPartitions();
		AppInstances.pause(2000);
		assertThat(shardSubscribeCalls(master)).isEqualTo(subscribes);
	}

	private static long shardSubscribeCalls(int port) {
		for (String line : ((String) RedisTestCluster.call(port, "INFO", "commandstats")).split("\r?\n")) {
			if (line.startsWith("cmdstat_ssubscribe:calls=")) {
				return Long.parseLong(line.substring("cmdstat_ssubscribe:calls=".length(), line.indexOf(',')));
			}
		}
		return 0;
	}

	// Ten events on every stream, by the two instances in turn.
	private static Map<String, List<EventId>> publishTenEachAlternately(RedisReplayStore first,
			RedisReplayStore second) {
		Map<String, List<EventId>> published = new LinkedHashMap<>();
		for (int i = 0; i < 10; i++) {
			for (String stream : STREAMS) {
				RedisReplayStore publisher = (i % 2 == 0) ? first : second;
				published.computeIfAbsent(stream, (key) -> new ArrayList<>())
					.add(publisher.append(stream, SseEvent.of("e" + i)).id());
			}
		}
		return published;
	}

	@Test
	void appendsThatQueueUpGoAsOneScriptCallPerStreamOnEveryMaster() {
		RedisReplayStore store = store(connectionFactory);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		store.addListener(received::add);
		for (String stream : STREAMS) {
			store.appendAsync(stream, SseEvent.of("first")).join();
		}
		List<Integer> masters = cluster.masterPorts();
		for (int master : masters) {
			assertThat(RedisTestCluster.call(master, "CONFIG", "RESETSTAT")).isEqualTo("OK");
		}
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		try {
			for (int master : masters) {
				assertThat(RedisTestCluster.call(master, "CLIENT", "PAUSE", "30000", "WRITE")).isEqualTo("OK");
			}
			// Fewer than the appends that may be in flight, which Redis answers only
			// once unpaused.
			for (int i = 0; i < 240; i++) {
				sent.add(store.appendAsync(STREAMS.get(i % STREAMS.size()), SseEvent.of("e" + i)));
			}
		}
		finally {
			for (int master : masters) {
				RedisTestCluster.call(master, "CLIENT", "UNPAUSE");
			}
		}
		List<StoredEvent> stored = sent.stream().map(CompletableFuture::join).toList();
		for (int s = 0; s < STREAMS.size(); s++) {
			List<StoredEvent> ofStream = new ArrayList<>();
			for (int i = s; i < stored.size(); i += STREAMS.size()) {
				ofStream.add(stored.get(i));
				assertThat(stored.get(i).frame()).asString().endsWith("data: e" + i + "\n\n");
			}
			assertThat(ofStream).extracting(StoredEvent::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(2, 41).boxed().toList());
		}
		// Per stream, two calls sent at once and one for the 38 queued behind them.
		long calls = 0;
		for (int master : masters) {
			String stats = (String) RedisTestCluster.call(master, "INFO", "commandstats");
			Matcher evalsha = Pattern.compile("cmdstat_evalsha:calls=(\\d+)")
				.matcher(stats);
			calls += evalsha.find() ? Long.parseLong(evalsha.group(1)) : 0;
		}
		assertThat(calls).isLessThanOrEqualTo(4L * STREAMS.size());
		await().atMost(WAIT).until(() -> received.size() == 246);
		for (String stream : STREAMS) {
			assertThat(received.stream().filter((event) -> event.stream().equals(stream)).map(StoredEvent::sequence))
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 41).boxed().toList());
		}
	}

	@Test
	void aMasterThatDoesNotAnswerFailsOnlyTheStreamsItHolds() {
		RedisReplayStore store = store(connectionFactory, "cluster-" + prefixes.incrementAndGet() + ":",
				Duration.ofMillis(500));
		store.append("orders", SseEvent.of("1"));
		store.append("chat", SseEvent.of("1"));
		int stalled = cluster.masterOf(store.keyPrefix() + "{orders}:meta");
		assertThat(cluster.masterOf(store.keyPrefix() + "{chat}:meta")).isNotEqualTo(stalled);
		// Holds back every command of every client of that master for a few
		// seconds, PINGs included, as a master too busy to answer would.
		assertThat(RedisTestCluster.call(stalled, "CLIENT", "PAUSE", "4000", "ALL")).isEqualTo("OK");
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> store.append("orders", SseEvent.of("2")))
			.withMessageContaining("append to stream 'orders'");
		// A PING sent after the timeout is not answered either: the calls on its
		// slots fail at once.
		await().atMost(WAIT).until(() -> !store.isReachable());
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> store.append("orders", SseEvent.of("3")))
			.withMessageContaining("append to stream 'orders'")
			.withMessageContaining("has been unreachable");
		// The other masters answer as before.
		assertThat(store.append("chat", SseEvent.of("2")).sequence()).isEqualTo(2);
		assertThat(store.readAfter("chat", new EventId(store.head("chat").epoch(), 0), 10))
			.isInstanceOf(ReadResult.Events.class);
		// Once the pause is over, the master answers again.
		StoredEvent after = await().atMost(WAIT)
			.ignoreException(StoreUnavailableException.class)
			.until(() -> store.append("orders", SseEvent.of("after")), (event) -> event != null);
		assertThat(after.id().epoch()).isEqualTo(store.head("orders").epoch());
		assertThat(store.isReachable()).isTrue();
	}

	@Test
	void listingStreamsVisitsEveryMasterAndNamesEachStreamOnce() {
		RedisReplayStore store = store(connectionFactory);
		Set<String> created = new HashSet<>();
		for (int i = 0; i < 25; i++) {
			store.append("listed-" + i, SseEvent.of("x"));
			created.add("listed-" + i);
		}
		List<String> listed = new ArrayList<>();
		Set<String> cursors = new HashSet<>();
		String from = null;
		for (int page = 0; page < 100; page++) {
			StreamPage streams = store.streams(from, 4);
			streams.streams().stream().map(StreamSummary::stream).forEach(listed::add);
			assertThat(streams.streams()).allSatisfy((summary) -> assertThat(summary.events()).isEqualTo(1));
			from = streams.next();
			if (from == null) {
				break;
			}
			cursors.add(from.substring(0, from.indexOf('-')));
		}
		assertThat(from).isNull();
		assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
		// The cursor named the masters after the first, by their first slot.
		assertThat(cursors).hasSizeGreaterThanOrEqualTo(2);
		assertThatIllegalArgumentException().isThrownBy(() -> store.streams("not-a-cursor", 4));
		assertThatIllegalArgumentException().isThrownBy(() -> store.streams("16384-0", 4));
	}

	private RedisReplayStore store(LettuceConnectionFactory factory) {
		return store(factory, "cluster-" + prefixes.incrementAndGet() + ":");
	}

	private RedisReplayStore store(LettuceConnectionFactory factory, String prefix) {
		return store(factory, prefix, Duration.ofSeconds(10));
	}

	// Classic pub/sub unless named: most tests listen to every stream.
	private RedisReplayStore store(LettuceConnectionFactory factory, String prefix, Duration commandTimeout) {
		return store(factory, prefix, commandTimeout, RedisPubSub.CLASSIC);
	}

	private RedisReplayStore store(LettuceConnectionFactory factory, String prefix, Duration commandTimeout,
			RedisPubSub pubSub) {
		RedisReplayStore store = RedisReplayStore.builder(factory)
				.keyPrefix(prefix)
				.maxEventsPerStream(100)
				.timeToLive(Duration.ofHours(1))
				.commandTimeout(commandTimeout)
				.pubSub(pubSub)
				.build();
		this.stores.add(store);
		return store;
	}

}
