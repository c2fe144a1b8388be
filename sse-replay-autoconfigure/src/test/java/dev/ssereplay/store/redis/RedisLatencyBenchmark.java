package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.broker.Connection;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReplayStore;

/**
 * Measures, in one run, the publish-to-receive latency of the in-memory store and
 * of the Redis store on a private local Redis: from the start of
 * {@code append} to a store listener receiving the event, and to a broker
 * subscriber's connection writing it. One event at a time, after a warm-up, so
 * the numbers are latency without load. Not a test: run it by hand.
 * <p>
 * {@code ./mvnw -q -pl sse-replay-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.ssereplay.store.redis.RedisLatencyBenchmark
 * [-Dexec.args="<events> <warm-up events>"]}
 */
public final class RedisLatencyBenchmark {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private RedisLatencyBenchmark() {
	}

	/**
	 * Runs the measurements and prints them.
	 * @param args the number of events measured (5000) and of warm-up events (2000)
	 * @throws Exception when a measurement fails
	 */
	public static void main(String[] args) throws Exception {
		// Without a configuration, Logback logs every Redis command at debug level.
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
		int events = (args.length > 0) ? Integer.parseInt(args[0]) : 5000;
		int warmUp = (args.length > 1) ? Integer.parseInt(args[1]) : 2000;
		System.out.printf(Locale.ROOT, "%d events after %d warm-up events, one at a time; %d processors, load %.1f, "
				+ "Java %s%n", events, warmUp, Runtime.getRuntime().availableProcessors(),
				java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
				System.getProperty("java.version"));
		try (RedisTestServer redis = RedisTestServer.start()) {
			LettuceConnectionFactory connectionFactory = redis.connectionFactory();
			try {
				for (String path : new String[] { "listener", "broker" }) {
					InMemoryReplayStore memory = new InMemoryReplayStore(1000, 64L << 20, Duration.ofHours(1));
					RedisReplayStore shared = RedisReplayStore.builder(connectionFactory)
							.keyPrefix("bench-" + path + ":")
							.maxEventsPerStream(1000)
							.timeToLive(Duration.ofHours(1))
							.commandTimeout(Duration.ofSeconds(2))
							.build();
					try {
						long[] inMemory = measure(memory, path, warmUp, events);
						long[] inRedis = measure(shared, path, warmUp, events);
						print("memory store, " + path, inMemory);
						print("redis store,  " + path, inRedis);
					}
					finally {
						shared.close();
					}
				}
			}
			finally {
				connectionFactory.destroy();
			}
		}
	}

	private static long[] measure(ReplayStore store, String path, int warmUp, int events) throws Exception {
		BlockingQueue<Long> received = new LinkedBlockingQueue<>();
		ExecutorService writers = Executors.newFixedThreadPool(2);
		Broker broker = null;
		if (path.equals("listener")) {
			store.addListener((event) -> received.add(System.nanoTime()));
		}
		else {
			broker = new Broker(store, BrokerOptions.builder()
				.heartbeatInterval(Duration.ofMinutes(1))
				.retry(null)
				.maxConnections(10)
				.stallThreshold(Duration.ofSeconds(5))
				.build(), writers);
			broker.subscribe("latency", Position.FRESH, null, new Connection() {

				@Override
				public void write(byte[] frames) {
					// The priming block carries no data.
					if (new String(frames, StandardCharsets.UTF_8).contains("data: ")) {
						received.add(System.nanoTime());
					}
				}

				@Override
				public void close() {
				}

			});
			Thread.sleep(200);
		}
		try {
			long[] latencies = new long[events];
			for (int i = 0; i < warmUp + events; i++) {
				long start = System.nanoTime();
				store.append("latency", SseEvent.of("tick", "{\"n\":" + i + ",\"price\":101.25}"));
				Long at = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
				if (at == null) {
					throw new IllegalStateException("Event " + i + " did not arrive within " + WAIT);
				}
				if (i >= warmUp) {
					latencies[i - warmUp] = at - start;
				}
			}
			return latencies;
		}
		finally {
			if (broker != null) {
				broker.close();
			}
			writers.shutdownNow();
		}
	}

	private static void print(String label, long[] latencies) {
		long[] sorted = latencies.clone();
		Arrays.sort(sorted);
		System.out.printf(Locale.ROOT, "%-24s median %8.1f us   p99 %8.1f us   p99.9 %8.1f us   max %8.1f us%n",
				label, micros(percentile(sorted, 0.50)), micros(percentile(sorted, 0.99)),
				micros(percentile(sorted, 0.999)), micros(sorted[sorted.length - 1]));
	}

	private static long percentile(long[] sorted, double fraction) {
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
	}

	private static double micros(long nanos) {
		return nanos / 1000.0;
	}

}
