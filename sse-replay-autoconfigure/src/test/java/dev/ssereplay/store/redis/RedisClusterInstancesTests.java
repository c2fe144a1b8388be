package dev.ssereplay.store.redis;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static dev.ssereplay.store.redis.AppInstances.WAIT;
import static dev.ssereplay.store.redis.AppInstances.assertEveryEventOrAResync;
import static dev.ssereplay.store.redis.AppInstances.get;
import static dev.ssereplay.store.redis.AppInstances.post;
import static dev.ssereplay.store.redis.AppInstances.publish;
import static dev.ssereplay.store.redis.AppInstances.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application sharing a Redis Cluster of three masters with
 * a replica each, configured only with {@code spring.data.redis.cluster.nodes}:
 * whichever master holds a stream and whichever instance a client publishes to
 * or reconnects to, it sees one history in one dense order, exactly once; a
 * master replaced by its replica while events are published, handed over or
 * killed, is a resync, never a silent gap; and a sharded subscription on a
 * master that was killed moves to the replica that took over by itself.
 */
class RedisClusterInstancesTests {

	private static final String PREFIX = "sse-replay:";

	// One stream on each master's slot range (0-5460, 5461-10921, 10922-16383).
	private static final List<String> STREAMS = List.of("orders", "ticks", "chat");

	private static RedisTestCluster cluster;

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void startInstances() {
		cluster = RedisTestCluster.start(3, 1);
		a = instance();
		b = instance();
	}

	@AfterAll
	static void stopInstances() {
		if (a != null) {
			a.close();
		}
		if (b != null) {
			b.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void theInstancesTalkToTheClusterThroughAClusterConnection() {
		assertThat(a.getBean(LettuceConnectionFactory.class).isClusterAware()).isTrue();
		Set<Integer> masters = new HashSet<>();
		for (String stream : STREAMS) {
			masters.add(cluster.masterOf(PREFIX + "{" + stream + "}:meta"));
		}
		assertThat(masters).containsExactlyInAnyOrderElementsOf(cluster.masterPorts());
		assertThat(get(a, "/actuator/health")).contains("sseReplayRedis").contains("\"status\":\"UP\"");
	}

	@Test
	void eventsOfStreamsOnEveryMasterReachSubscribersOfBothInstancesInOneDenseOrder() {
		List<SseTestClient> clients = new ArrayList<>();
		try {
			for (String stream : STREAMS) {
				clients.add(subscribe(a, "spread-" + stream, null));
				clients.add(subscribe(b, "spread-" + stream, null));
			}
			List<List<String>> published = new ArrayList<>();
			for (String stream : STREAMS) {
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					ids.add(publish((i % 2 == 0) ? a : b, "spread-" + stream, stream + " " + i));
				}
				published.add(ids);
			}
			for (int s = 0; s < STREAMS.size(); s++) {
				for (SseTestClient client : clients.subList(2 * s, 2 * s + 2)) {
					List<Block> events = client.events(10, WAIT);
					assertThat(events).extracting(Block::id).containsExactlyElementsOf(published.get(s));
					assertThat(events).extracting(Block::sequence)
						.containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
				}
			}
		}
		finally {
			clients.forEach(SseTestClient::close);
		}
	}

	@Test
	void aClientCutOffFromOneInstanceResumesOnTheOtherExactlyOnceInOrder() {
		for (String stream : STREAMS) {
			String name = "resume-" + stream;
			String lastSeen;
			try (SseTestClient first = subscribe(a, name, null)) {
				for (int i = 0; i < 5; i++) {
					publish(b, name, "before " + i);
				}
				List<Block> seen = first.events(5, WAIT);
				lastSeen = seen.get(4).id();
			}
			List<String> missed = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				missed.add(publish((i % 2 == 0) ? a : b, name, "while away " + i));
			}
			try (SseTestClient second = subscribe(b, name, lastSeen)) {
				List<Block> replayed = second.events(5, WAIT);
				assertThat(replayed).extracting(Block::id).containsExactlyElementsOf(missed);
				assertThat(replayed).extracting(Block::data)
					.containsExactly("while away 0", "while away 1", "while away 2", "while away 3", "while away 4");
				String live = publish(a, name, "live");
				assertThat(second.events(1, WAIT)).extracting(Block::id).containsExactly(live);
				assertThat(second.next(Duration.ofMillis(300), Block::hasData)).isNull();
			}
		}
	}

	@Test
	void aMasterReplacedByItsReplicaWhilePublishingIsAResyncNeverASilentGap() {
		String stream = "failover";
		int master = cluster.masterOf(PREFIX + "{" + stream + "}:meta");
		try (SseTestClient client = subscribe(a, stream, null)) {
			List<String> published = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				published.add(publish(b, stream, "e" + i));
			}
			CompletableFuture<Integer> failover = CompletableFuture.supplyAsync(() -> cluster.failover(master));
			// Publish on while the replica takes over, and some more after it did.
			int refused = 0;
			int afterFailover = 0;
			for (int i = 20; afterFailover < 20; i++) {
				boolean done = failover.isDone();
				HttpResponse<String> response = post(b, stream, "e" + i);
				if (response.statusCode() == 200) {
					published.add(response.body());
					afterFailover += done ? 1 : 0;
				}
				else {
					// Told: the publisher knows the event may not be stored.
					assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
					refused++;
				}
			}
			assertThat(failover.join()).isNotEqualTo(master);
			assertThat(cluster.masterOf(PREFIX + "{" + stream + "}:meta")).isNotEqualTo(master);
			EventId before = EventId.parse(published.get(0));
			EventId last = EventId.parse(published.get(published.size() - 1));
			// The replica is another server process, which may have missed writes its
			// master acknowledged: the stream starts a new lifetime.
			assertThat(last.epoch()).isNotEqualTo(before.epoch());
			List<Block> received = new ArrayList<>();
			while (received.isEmpty() || !received.get(received.size() - 1).id().equals(last.toString())) {
				Block block = client.next(WAIT, Block::hasData);
				assertThat(block).as("events after " + received.size() + " received; " + refused + " refused")
					.isNotNull();
				received.add(block);
			}
			assertEveryEventOrAResync(received, before.epoch(), last.epoch());
		}
	}

	@Test
	void aMasterThatDiesWhilePublishingIsAResyncNeverASilentGap() {
		// Not the slot range of the stream of the failover test, whose master must
		// keep its replica.
		String stream = "crashed";
		int master = cluster.masterOf(PREFIX + "{" + stream + "}:meta");
		try (SseTestClient client = subscribe(a, stream, null)) {
			List<String> published = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				published.add(publish(b, stream, "e" + i));
			}
			List<Block> received = new ArrayList<>(client.events(10, WAIT));
			assertThat(received).extracting(Block::id).containsExactlyElementsOf(published);
			cluster.kill(master);
			CompletableFuture<Void> replaced = CompletableFuture
				.runAsync(() -> cluster.awaitHealthy("a replica to take over from the killed master " + master));
			// Refused while the master is gone and until the cluster has promoted its
			// replica and the instance has learnt of it; then accepted again.
			int refused = 0;
			int afterReplaced = 0;
			long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
			for (int i = 10; afterReplaced < 10; i++) {
				assertThat(System.nanoTime() - deadline).as("publishing again within 90 s; " + refused + " refused")
					.isNegative();
				boolean done = replaced.isDone();
				HttpResponse<String> response = post(b, stream, "e" + i);
				if (response.statusCode() == 200) {
					published.add(response.body());
					afterReplaced += done ? 1 : 0;
				}
				else {
					assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
					refused++;
				}
			}
			replaced.join();
			assertThat(cluster.masterOf(PREFIX + "{" + stream + "}:meta")).isNotEqualTo(master);
			EventId before = EventId.parse(published.get(0));
			EventId last = EventId.parse(published.get(published.size() - 1));
			assertThat(last.epoch()).isNotEqualTo(before.epoch());
			while (!received.get(received.size() - 1).id().equals(last.toString())) {
				Block block = client.next(WAIT, Block::hasData);
				assertThat(block).as("events after " + received.size() + " received").isNotNull();
				received.add(block);
			}
			assertEveryEventOrAResync(received, before.epoch(), last.epoch());
		}
	}

	@Test
	void aShardedSubscriptionOnAMasterThatDiedIsMadeOnItsReplicaOnceRedisIsReachedAgain() {
		RedisTestServer.assumeShardedPubSub();
		// On the master that neither the failover test nor the crash test uses, with
		// nothing published: once the replica took over, no event and no head that
		// moved tells the store that its subscription is gone with the master.
		String stream = null;
		for (String candidate : STREAMS) {
			int master = cluster.masterOf("{" + candidate + "}:meta");
			if (master != cluster.masterOf(PREFIX + "{failover}:meta")
					&& master != cluster.masterOf(PREFIX + "{crashed}:meta")) {
				stream = candidate;
			}
		}
		assertThat(stream).isNotNull();
		String followed = stream;
		RedisReplayStore store = RedisReplayStore.builder(cluster.connectionFactory())
			.keyPrefix("died:")
			.commandTimeout(Duration.ofSeconds(2))
			.pubSub(RedisPubSub.SHARDED)
			.build();
		try {
			store.retainWhile(followed::equals);
			List<StoredEvent> received = new CopyOnWriteArrayList<>();
			store.addListener(received::add);
			store.head(followed);
			String channel = "died:{" + followed + "}:live";
			int master = cluster.masterOf("died:{" + followed + "}:meta");
			assertThat(RedisTestCluster.shardSubscribers(master, channel)).isEqualTo(1);
			cluster.kill(master);
			cluster.awaitHealthy("a replica to take over from the killed master " + master);
			int promoted = cluster.masterOf("died:{" + followed + "}:meta");
			assertThat(promoted).isNotEqualTo(master);
			// Housekeeping, as the broker's tick asks for it, finds Redis unreachable
			// and then reachable again.
			await().atMost(AppInstances.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
				store.housekeep();
				return RedisTestCluster.shardSubscribers(promoted, channel) == 1;
			});
			StoredEvent after = store.append(followed, SseEvent.of("after"));
			await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
			assertThat(received).extracting(StoredEvent::id).containsExactly(after.id());
		}
		finally {
			store.close();
		}
	}

	private static ConfigurableApplicationContext instance() {
		return new SpringApplicationBuilder(RedisInstancesTests.StreamsApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off",
					"spring.data.redis.cluster.nodes=" + cluster.nodesProperty(), "sse.replay.store.type=redis",
					"sse.replay.heartbeat.interval=500ms", "sse.replay.redis.command-timeout=2s",
					"management.endpoint.health.show-components=always")
			.run();
	}

}
