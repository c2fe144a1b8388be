package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Classic pub/sub on a real Redis Cluster whose node dies: Spring Data Redis
 * subscribes on one node, whichever Lettuce chose, and every node passes every
 * message on, so the subscription must move to a node that runs.
 */
class RedisClusterClassicPubSubTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisTestCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisTestCluster.start(3, 1);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aClassicSubscriptionOnANodeThatDiesMovesToANodeThatRuns() {
		String stream = "orders";
		String channel = "classic:{" + stream + "}:live";
		RedisReplayStore store = store();
		RedisReplayStore publisher = store();
		try {
			store.retainWhile(stream::equals);
			List<StoredEvent> received = new CopyOnWriteArrayList<>();
			store.addListener(received::add);
			store.head(stream);
			int node = subscribedNode(channel);
			assertThat(node).isPositive();
			boolean master = cluster.masterPorts().contains(node);
			System.out.println("Killing node " + node + (master ? ", a master" : ", a replica"));
			cluster.kill(node);
			if (master) {
				cluster.awaitHealthy("a replica to take over from the killed master " + node);
			}
			// Housekeeping, as the broker's tick asks for it.
			await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
				store.housekeep();
				return subscribedNode(channel) > 0;
			});
			StoredEvent after = publisher.append(stream, SseEvent.of("after"));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> received.stream().anyMatch((event) -> event.id().equals(after.id())));
		}
		finally {
			store.close();
			publisher.close();
		}
	}

	// The port of the node that runs and has a subscriber to the channel, or 0.
	private static int subscribedNode(String channel) {
		for (int port : cluster.ports()) {
			try {
				List<?> reply = (List<?>) RedisTestCluster.call(port, "PUBSUB", "NUMSUB", channel);
				if ((Long) reply.get(1) > 0) {
					return port;
				}
			}
			catch (RuntimeException ex) {
				// Killed.
			}
		}
		return 0;
	}

	private static RedisReplayStore store() {
		return RedisReplayStore.builder(cluster.connectionFactory())
			.keyPrefix("classic:")
			.commandTimeout(Duration.ofSeconds(2))
			.pubSub(RedisPubSub.CLASSIC)
			.build();
	}

}
