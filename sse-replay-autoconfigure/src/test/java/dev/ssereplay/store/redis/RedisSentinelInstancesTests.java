package dev.ssereplay.store.redis;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static dev.ssereplay.store.redis.AppInstances.WAIT;
import static dev.ssereplay.store.redis.AppInstances.assertEveryEventOrAResync;
import static dev.ssereplay.store.redis.AppInstances.get;
import static dev.ssereplay.store.redis.AppInstances.pause;
import static dev.ssereplay.store.redis.AppInstances.post;
import static dev.ssereplay.store.redis.AppInstances.publish;
import static dev.ssereplay.store.redis.AppInstances.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application sharing a Redis master with a replica,
 * watched by three sentinels (quorum two), configured only with
 * {@code spring.data.redis.sentinel.master} and
 * {@code spring.data.redis.sentinel.nodes}: whichever instance a client
 * publishes to or reconnects to, it sees one history in one dense order,
 * exactly once; and a master handed over with {@code SENTINEL FAILOVER} while
 * events are published is a resync, never a silent gap, with publishing going
 * on on the new master. A master's crash is left to the cluster's tests: a
 * sentinels' election within a test's time is at the mercy of a loaded machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelInstancesTests {

	private static final Duration FAILOVER_WAIT = Duration.ofSeconds(90);

	private static final String PREFIX = "sse-replay:";

	private static RedisTestSentinel sentinel;

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void startInstances() {
		sentinel = RedisTestSentinel.start(3, 2);
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
		if (sentinel != null) {
			sentinel.close();
		}
	}

	@Test
	void theInstancesReachTheMasterThroughTheSentinels() {
		LettuceConnectionFactory factory = a.getBean(LettuceConnectionFactory.class);
		assertThat(factory.isRedisSentinelAware()).isTrue();
		RedisSentinelConfiguration configuration = factory.getSentinelConfiguration();
		assertThat(configuration).isNotNull();
		assertThat(configuration.getMaster().getName()).isEqualTo(RedisTestSentinel.MASTER_NAME);
		assertThat(configuration.getSentinels()).extracting(RedisNode::getPort)
			.containsExactlyInAnyOrderElementsOf(sentinel.sentinelPorts());
		assertThat(get(a, "/actuator/health")).contains("sseReplayRedis").contains("\"status\":\"UP\"");
		// The stream lives on the master the sentinels name, and reaches its replica.
		String id = publish(b, "placed", "here");
		int master = sentinel.masterPort();
		assertThat(RedisTestCluster.call(master, "HGET", meta("placed"), "seq")).isEqualTo("1");
		for (int port : sentinel.serverPorts()) {
			await().atMost(WAIT).until(() -> "1".equals(RedisTestCluster.call(port, "HGET", meta("placed"), "seq")));
		}
		assertThat(EventId.parse(id).sequence()).isEqualTo(1);
	}

	@Test
	void eventsPublishedOnEitherInstanceReachSubscribersOfBothInOneDenseOrder() {
		try (SseTestClient onA = subscribe(a, "together", null); SseTestClient onB = subscribe(b, "together", null)) {
			List<String> published = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				published.add(publish((i % 2 == 0) ? a : b, "together", "event " + i));
			}
			for (SseTestClient client : List.of(onA, onB)) {
				List<Block> events = client.events(20, WAIT);
				assertThat(events).extracting(Block::id).containsExactlyElementsOf(published);
				assertThat(events).extracting(Block::sequence)
					.containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
			}
		}
	}

	@Test
	void aClientCutOffFromOneInstanceResumesOnTheOtherExactlyOnceInOrder() {
		String lastSeen;
		try (SseTestClient first = subscribe(a, "resume", null)) {
			for (int i = 0; i < 5; i++) {
				publish(b, "resume", "before " + i);
			}
			List<Block> seen = first.events(5, WAIT);
			assertThat(seen).hasSize(5);
			lastSeen = seen.get(4).id();
		}
		List<String> missed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			missed.add(publish((i % 2 == 0) ? a : b, "resume", "while away " + i));
		}
		try (SseTestClient second = subscribe(b, "resume", lastSeen)) {
			List<Block> replayed = second.events(5, WAIT);
			assertThat(replayed).extracting(Block::id).containsExactlyElementsOf(missed);
			assertThat(replayed).extracting(Block::data)
				.containsExactly("while away 0", "while away 1", "while away 2", "while away 3", "while away 4");
			String live = publish(a, "resume", "live");
			assertThat(second.events(1, WAIT)).extracting(Block::id).containsExactly(live);
			assertThat(second.next(Duration.ofMillis(300), Block::hasData)).isNull();
		}
	}

	// Last: a handover that went wrong must not be taken for another test's failure.
	@Test
	@Order(Integer.MAX_VALUE)
	void aMasterHandedOverWhilePublishingIsAResyncNeverASilentGap() {
		sentinel.awaitHealthy("a replica fit to take over before the handover");
		String stream = "handover";
		int master = sentinel.masterPort();
		List<String> published = new ArrayList<>();
		try (SseTestClient client = subscribe(a, stream, null)) {
			for (int i = 0; i < 10; i++) {
				published.add(publish(b, stream, "e" + i));
			}
			EventId before = EventId.parse(published.get(0));
			CompletableFuture<Integer> failover = CompletableFuture.supplyAsync(sentinel::failover);
			// The old master takes events until a sentinel turns it into a replica and
			// closes its connections; the instances then connect to the new master.
			int refused = publishUntilANewEpoch(stream, before.epoch(), published);
			int newMaster = failover.join();
			assertThat(newMaster).isNotEqualTo(master);
			EventId last = EventId.parse(published.get(published.size() - 1));
			assertThat(RedisTestCluster.call(newMaster, "HGET", meta(stream), "seq"))
				.isEqualTo(Long.toString(last.sequence()));
			assertEveryEventOrAResync(receiveThrough(client, last, refused), before.epoch(), last.epoch());
		}
		// A client that comes back with an id of the old master's lifetime is told.
		try (SseTestClient late = subscribe(b, stream, published.get(5))) {
			Block first = late.next(WAIT, Block::hasData);
			assertThat(first).isNotNull();
			assertThat(first.event()).isEqualTo("resync");
			assertThat(first.data()).contains("\"reason\":\"other-epoch\"");
		}
	}

	// Publishes one event after another, each tried again until it is accepted
	// as an application would, until ten have been stored in a lifetime other
	// than the given one: that is, on another server. Returns how many attempts
	// were refused.
	private static int publishUntilANewEpoch(String stream, long epoch, List<String> published) {
		long deadline = System.nanoTime() + FAILOVER_WAIT.toNanos();
		int refused = 0;
		int inNewEpoch = 0;
		for (int i = published.size(); inNewEpoch < 10;) {
			assertThat(System.nanoTime() - deadline)
				.as("ten events published on the new master within " + FAILOVER_WAIT.toSeconds() + " s; "
						+ published.size() + " accepted, " + refused + " refused")
				.isNegative();
			HttpResponse<String> response = post(b, stream, "e" + i);
			if (response.statusCode() == 200) {
				published.add(response.body());
				inNewEpoch += (EventId.parse(response.body()).epoch() != epoch) ? 1 : 0;
				i++;
			}
			else {
				// Told: the publisher knows the event may not be stored, and tries again.
				assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
				refused++;
			}
			// Paced, so that the subscriber's queue never fills while the old master
			// still takes events.
			pause(10);
		}
		return refused;
	}

	// The data blocks a subscriber receives up to and including the given event.
	private static List<Block> receiveThrough(SseTestClient client, EventId last, int refused) {
		List<Block> received = new ArrayList<>();
		while (received.isEmpty() || !received.get(received.size() - 1).id().equals(last.toString())) {
			Block block = client.next(WAIT, Block::hasData);
			assertThat(block).as("events after " + received.size() + " received; " + refused + " refused")
				.isNotNull();
			received.add(block);
		}
		return received;
	}

	private static String meta(String stream) {
		return PREFIX + "{" + stream + "}:meta";
	}

	private static ConfigurableApplicationContext instance() {
		return new SpringApplicationBuilder(RedisInstancesTests.StreamsApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off",
					"spring.data.redis.sentinel.master=" + RedisTestSentinel.MASTER_NAME,
					"spring.data.redis.sentinel.nodes=" + sentinel.nodesProperty(), "sse.replay.store.type=redis",
					"sse.replay.heartbeat.interval=500ms", "sse.replay.redis.command-timeout=2s",
					"management.endpoint.health.show-components=always")
			.run();
	}

}
