package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.SseEvent;

/**
 * Measures, in one run, how many events one publishing thread stores in a
 * private local Redis with {@code append} (one round trip each, what
 * {@code SseReplay.publish} does) and with {@code appendAsync} (many on their
 * way at once, what {@code publishAsync} does), and each event's publish
 * latency: from the call to the event being stored (the call's return, or the
 * future's completion). The two modes alternate, several rounds, so that both
 * see the same machine. Not a test: run it by hand.
 * <p>
 * {@code ./mvnw -q -pl sse-replay-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.ssereplay.store.redis.RedisPublishThroughput
 * [-Dexec.args="<seconds per round> <rounds>"]}
 */
public final class RedisPublishThroughput {

	private static final int MAX_IN_FLIGHT = 256;

	private RedisPublishThroughput() {
	}

	/**
	 * Runs the measurements and prints them.
	 * @param args seconds measured per mode and round (5), and rounds (3)
	 * @throws Exception when a measurement fails
	 */
	public static void main(String[] args) throws Exception {
		// Without a configuration, Logback logs every Redis command at debug level.
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
		Duration round = Duration.ofSeconds((args.length > 0) ? Long.parseLong(args[0]) : 5);
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		System.out.printf(Locale.ROOT, "%d rounds of %d s per mode, one publishing thread, 64-byte events, "
				+ "max-in-flight-appends %d; %d processors, load %.1f, Java %s%n", rounds, round.toSeconds(),
				MAX_IN_FLIGHT, Runtime.getRuntime().availableProcessors(),
				java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
				System.getProperty("java.version"));
		try (RedisTestServer redis = RedisTestServer.start()) {
			LettuceConnectionFactory connectionFactory = redis.connectionFactory();
			RedisReplayStore store = RedisReplayStore.builder(connectionFactory)
					.keyPrefix("publish-bench:")
					.maxEventsPerStream(1000)
					.timeToLive(Duration.ofMinutes(5))
					.commandTimeout(Duration.ofSeconds(2))
					.maxInFlightAppends(MAX_IN_FLIGHT)
					.build();
			try {
				// Warm-up: the scripts loaded, the JIT done with both paths.
				measure(store, false, Duration.ofSeconds(3), "warm");
				measure(store, true, Duration.ofSeconds(3), "warm");
				List<Result> sync = new ArrayList<>();
				List<Result> async = new ArrayList<>();
				for (int i = 0; i < rounds; i++) {
					sync.add(measure(store, false, round, "s" + i));
					async.add(measure(store, true, round, "a" + i));
				}
				print("publish (append)", sync);
				print("publishAsync (appendAsync)", async);
				System.out.printf(Locale.ROOT, "publishAsync / publish, events per second: %.1f x (medians)%n",
						median(async, Result::perSecond) / median(sync, Result::perSecond));
			}
			finally {
				store.close();
				connectionFactory.destroy();
			}
		}
	}

	private static Result measure(RedisReplayStore store, boolean async, Duration length, String stream)
			throws Exception {
		SseEvent event = SseEvent.of("tick", "x".repeat(64));
		long[] latencies = new long[1 << 22];
		long start = System.nanoTime();
		long end = start + length.toNanos();
		int sent = 0;
		CompletableFuture<?> last = CompletableFuture.completedFuture(null);
		while (System.nanoTime() < end && sent < latencies.length) {
			long begun = System.nanoTime();
			if (async) {
				int slot = sent;
				last = store.appendAsync(stream, event).thenRun(() -> latencies[slot] = System.nanoTime() - begun);
			}
			else {
				store.append(stream, event);
				latencies[sent] = System.nanoTime() - begun;
			}
			sent++;
		}
		last.get(10, TimeUnit.SECONDS);
		long elapsed = System.nanoTime() - start;
		long[] measured = Arrays.copyOf(latencies, sent);
		Arrays.sort(measured);
		return new Result(sent / (elapsed / 1e9), measured[measured.length / 2],
				measured[(int) Math.min(measured.length - 1, Math.ceil(0.99 * measured.length) - 1)]);
	}

	private static void print(String label, List<Result> results) {
		StringBuilder spread = new StringBuilder();
		for (Result result : results) {
			spread.append(String.format(Locale.ROOT, " %,.0f/s p99 %.2f ms;", result.perSecond(),
					result.p99Nanos() / 1e6));
		}
		System.out.printf(Locale.ROOT, "%-28s median %,10.0f events/s   p50 %7.3f ms   p99 %7.3f ms   rounds:%s%n",
				label, median(results, Result::perSecond), median(results, Result::p50Nanos) / 1e6,
				median(results, Result::p99Nanos) / 1e6, spread);
	}

	private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> value) {
		double[] values = results.stream().mapToDouble(value).sorted().toArray();
		return values[values.length / 2];
	}

	private record Result(double perSecond, double p50Nanos, double p99Nanos) {

	}

}
