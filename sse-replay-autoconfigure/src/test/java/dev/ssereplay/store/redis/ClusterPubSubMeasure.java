package dev.ssereplay.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.SseEvent;

/**
 * Counts what a live event costs a Redis Cluster with each kind of pub/sub:
 * starts a cluster of three masters with a replica each, has two application
 * instances (two connection factories, two stores) follow 60 streams spread
 * over the masters, publishes 100 events to each stream, and prints, per event,
 * the pub/sub messages the nodes sent each other over the cluster bus
 * ({@code cluster_stats_messages_publish_sent} and
 * {@code cluster_stats_messages_publishshard_sent} of {@code CLUSTER INFO},
 * summed over the nodes) and the messages delivered to the instances. These
 * are counts, not timings.
 * <pre>
 * ./mvnw -q -B -pl sse-replay-autoconfigure test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.ssereplay.store.redis.ClusterPubSubMeasure
 * </pre>
 */
public final class ClusterPubSubMeasure {

	private static final int STREAMS = 60;

	private static final int EVENTS_PER_STREAM = 100;

	private ClusterPubSubMeasure() {
	}

	public static void main(String[] args) {
		try (RedisTestCluster cluster = RedisTestCluster.start(3, 1)) {
			for (RedisPubSub pubSub : List.of(RedisPubSub.CLASSIC, RedisPubSub.SHARDED)) {
				measure(cluster, pubSub);
			}
		}
		System.exit(0);
	}

	private static void measure(RedisTestCluster cluster, RedisPubSub pubSub) {
		String prefix = "measure-" + pubSub.name().toLowerCase(Locale.ROOT) + ":";
		List<String> streams = new ArrayList<>();
		for (int i = 0; i < STREAMS; i++) {
			streams.add("stream-" + i);
		}
		List<RedisReplayStore> stores = new ArrayList<>();
		AtomicLong delivered = new AtomicLong();
		try {
			for (int i = 0; i < 2; i++) {
				LettuceConnectionFactory factory = cluster.connectionFactory();
				RedisReplayStore store = RedisReplayStore.builder(factory).keyPrefix(prefix).pubSub(pubSub).build();
				stores.add(store);
				store.retainWhile(streams::contains);
				store.addListener((event) -> delivered.incrementAndGet());
				streams.forEach(store::head);
			}
			long classicBefore = cluster.busMessages("cluster_stats_messages_publish_sent");
			long shardedBefore = cluster.busMessages("cluster_stats_messages_publishshard_sent");
			long events = 0;
			for (int e = 0; e < EVENTS_PER_STREAM; e++) {
				for (String stream : streams) {
					stores.get(e % 2).append(stream, SseEvent.of("e" + e));
					events++;
				}
			}
			long expected = 2 * events;
			long deadline = System.nanoTime() + 30_000_000_000L;
			while (delivered.get() < expected && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			double classic = (cluster.busMessages("cluster_stats_messages_publish_sent") - classicBefore)
					/ (double) events;
			double sharded = (cluster.busMessages("cluster_stats_messages_publishshard_sent") - shardedBefore)
					/ (double) events;
			System.out.printf(Locale.ROOT,
					"%-8s %,d events on %d streams, 2 instances, %d nodes: per event %.2f classic and %.2f sharded "
							+ "bus messages; %,d of %,d deliveries%n",
					pubSub.name().toLowerCase(Locale.ROOT), events, STREAMS, cluster.ports().size(), classic, sharded,
					delivered.get(), expected);
		}
		finally {
			stores.forEach(RedisReplayStore::close);
		}
	}

}
