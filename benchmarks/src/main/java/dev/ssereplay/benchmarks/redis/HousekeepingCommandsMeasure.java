package dev.ssereplay.benchmarks.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.redis.RedisPubSub;
import dev.ssereplay.store.redis.RedisReplayStore;

/**
 * Counts the commands that two {@link RedisReplayStore} instances send to Redis
 * while each follows many idle streams, as instances whose subscribers wait on
 * quiet streams do: starts a {@code redis-server} of its own on a free port,
 * makes each store follow the streams (every stream retained, a listener, the
 * head read as a subscriber's connect reads it), calls
 * {@link RedisReplayStore#housekeep()} every second as the broker does, and
 * prints the commands Redis ran per second over the measured time, from the
 * difference of two {@code INFO commandstats}, in total and per command. It
 * also prints what following the streams cost: the channels subscribed in
 * Redis, and per stream and instance the Redis memory ({@code used_memory}) and
 * the heap (after {@code System.gc()}, so roughly) that reading the heads added.
 * <p>
 * Arguments, all optional, in order: the {@code redis-server} binary (default:
 * {@code redis-server} on the {@code PATH}), the streams each instance follows
 * (10000), the seconds measured (30), the seconds waited before measuring (5),
 * and {@code events} to append one event to each stream first, so that the
 * streams have a history, or {@code empty} to leave them without events
 * (default {@code events}), and the kind of pub/sub, {@code sharded} or
 * {@code classic} (default {@code auto}).
 */
public final class HousekeepingCommandsMeasure {

	private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

	private HousekeepingCommandsMeasure() {
	}

	public static void main(String[] args) throws Exception {
		String binary = (args.length > 0) ? args[0] : "redis-server";
		int streams = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
		int seconds = (args.length > 2) ? Integer.parseInt(args[2]) : 30;
		int warmUp = (args.length > 3) ? Integer.parseInt(args[3]) : 5;
		boolean withEvents = (args.length <= 4) || args[4].equals("events");
		RedisPubSub pubSub = (args.length > 5) ? RedisPubSub.valueOf(args[5].toUpperCase(Locale.ROOT))
				: RedisPubSub.AUTO;
		int port = freePort();
		Path directory = Files.createTempDirectory("housekeeping-measure");
		Process redis = new ProcessBuilder(binary, "--port", Integer.toString(port), "--save", "", "--appendonly",
				"no", "--dir", directory.toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("redis.log").toFile())
			.start();
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		List<RedisReplayStore> stores = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration("localhost", port));
				factory.afterPropertiesSet();
				factory.start();
				factories.add(factory);
				awaitRedis(factory);
				RedisReplayStore store = RedisReplayStore.builder(factory)
						.keyPrefix("measure:")
						.maxEventsPerStream(100)
						.timeToLive(Duration.ofHours(1))
						.commandTimeout(Duration.ofSeconds(10))
						.pubSub(pubSub)
						.build();
				stores.add(store);
				// In the broker's order: which streams are in use, then the listener.
				store.retainWhile((stream) -> true);
				store.addListener((event) -> {
				});
			}
			for (int s = 0; s < streams && withEvents; s++) {
				stores.get(0).append("stream-" + s, SseEvent.of("history"));
			}
			long redisBefore = usedMemory(factories.get(0));
			long heapBefore = usedHeap();
			for (int s = 0; s < streams; s++) {
				String stream = "stream-" + s;
				for (RedisReplayStore store : stores) {
					EventId head = store.head(stream);
					store.readAfter(stream, head, 10);
				}
			}
			long redisFollowing = usedMemory(factories.get(0)) - redisBefore;
			long heapFollowing = usedHeap() - heapBefore;
			System.out.printf("redis-server %s on port %d; 2 instances follow %,d %s streams each; pub/sub %s%n",
					version(factories.get(0)), port, streams, withEvents ? "idle" : "empty",
					pubSub.name().toLowerCase(Locale.ROOT));
			System.out.printf("following them: %,d channels subscribed in Redis; per stream and instance %,d bytes "
					+ "of Redis memory and %,d bytes of heap%n", channels(factories.get(0)),
					redisFollowing / (2L * streams), heapFollowing / (2L * streams));
			long tick = System.nanoTime();
			tick = housekeepFor(stores, warmUp, tick);
			Map<String, Long> before = commandStats(factories.get(0));
			long start = System.nanoTime();
			housekeepFor(stores, seconds, tick);
			Map<String, Long> after = commandStats(factories.get(0));
			double elapsed = (System.nanoTime() - start) / 1e9;
			report(before, after, elapsed);
		}
		finally {
			stores.forEach(RedisReplayStore::close);
			factories.forEach(LettuceConnectionFactory::destroy);
			redis.destroy();
		}
	}

	// Calls housekeep() on every store once a second, as the broker's tick does.
	private static long housekeepFor(List<RedisReplayStore> stores, int seconds, long tick)
			throws InterruptedException {
		for (int i = 0; i < seconds; i++) {
			tick += 1_000_000_000L;
			long wait = tick - System.nanoTime();
			if (wait > 0) {
				Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
			}
			stores.forEach(RedisReplayStore::housekeep);
		}
		return tick;
	}

	private static void report(Map<String, Long> before, Map<String, Long> after, double seconds) {
		long total = 0;
		Map<String, Long> deltas = new TreeMap<>();
		for (Map.Entry<String, Long> entry : after.entrySet()) {
			long delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
			if (delta > 0) {
				deltas.put(entry.getKey(), delta);
				total += delta;
			}
		}
		System.out.printf("%.1f s measured: %,d commands, %,.1f per second%n", seconds, total, total / seconds);
		deltas.forEach((command, calls) -> System.out.printf("  %-12s %,10d  %,10.1f/s%n", command, calls,
				calls / seconds));
	}

	private static Map<String, Long> commandStats(LettuceConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			Properties info = connection.serverCommands().info("commandstats");
			Map<String, Long> calls = new TreeMap<>();
			for (String name : info.stringPropertyNames()) {
				Matcher matcher = CALLS.matcher(info.getProperty(name));
				if (name.startsWith("cmdstat_") && matcher.find()) {
					calls.put(name.substring("cmdstat_".length()), Long.parseLong(matcher.group(1)));
				}
			}
			return calls;
		}
	}

	private static long usedMemory(LettuceConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			return Long.parseLong(connection.serverCommands().info("memory").getProperty("used_memory"));
		}
	}

	private static long channels(LettuceConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			Properties stats = connection.serverCommands().info("stats");
			// Classic and sharded channels are counted apart.
			return Long.parseLong(stats.getProperty("pubsub_channels", "0"))
					+ Long.parseLong(stats.getProperty("pubsubshard_channels", "0"));
		}
	}

	// The heap in use after a full collection, roughly: the JVM may not collect at once.
	private static long usedHeap() throws InterruptedException {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

	private static String version(LettuceConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			return connection.serverCommands().info("server").getProperty("redis_version");
		}
	}

	private static void awaitRedis(LettuceConnectionFactory factory) throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (true) {
			try (RedisConnection connection = factory.getConnection()) {
				connection.ping();
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(100);
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
