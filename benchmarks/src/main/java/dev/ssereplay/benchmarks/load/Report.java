package dev.ssereplay.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.ssereplay.benchmarks.server.Contender;

/**
 * Turns results into a CSV of every repetition and a Markdown page of medians,
 * with ratios against the hand-written broadcast and the Netty limit of the same
 * JDK, measured in the same run.
 */
final class Report {

	private final List<Result> results;

	private final double rate;

	private final Settings settings;

	private final int throughputSeconds;

	private final Duration took;

	private final Map<String, String> environment;

	private final String command;

	Report(List<Result> results, double rate, Settings settings, int throughputSeconds, Duration took,
			Map<String, String> environment, String command) {
		this.results = results;
		this.rate = rate;
		this.settings = settings;
		this.throughputSeconds = throughputSeconds;
		this.took = took;
		this.environment = environment;
		this.command = command;
	}

	/**
	 * Returns the median of a metric over the repetitions of a scenario.
	 * @return the median, or {@code NaN} when there is no value
	 */
	static double median(List<Result> results, Configuration configuration, Scenario scenario, String metric) {
		List<Double> values = new ArrayList<>();
		for (Result result : results) {
			if (result.configuration().equals(configuration) && result.scenario() == scenario) {
				Double value = result.metrics().get(metric);
				if (value != null && !value.isNaN()) {
					values.add(value);
				}
			}
		}
		if (values.isEmpty()) {
			return Double.NaN;
		}
		values.sort(null);
		int middle = values.size() / 2;
		return (values.size() % 2 == 1) ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
	}

	String csv() {
		StringBuilder csv = new StringBuilder("jdk,threads,contender,scenario,repeat,metric,value\n");
		for (Result result : this.results) {
			Configuration c = result.configuration();
			String prefix = c.jdk() + "," + c.threads() + "," + c.contender().id() + "," + result.scenario() + ","
					+ result.repeat() + ",";
			if (result.error() != null) {
				csv.append(prefix).append("error,\"").append(result.error().replace('"', '\'')).append("\"\n");
			}
			result.metrics().forEach((name, value) -> csv.append(prefix).append(name).append(',')
				.append(String.format(Locale.ROOT, "%.6g", value)).append('\n'));
		}
		return csv.toString();
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("Medians of ").append(repeats()).append(" repetitions; ").append(this.settings.subscribers())
			.append(" subscribers, ").append(this.settings.payloadBytes()).append("-byte payloads, ")
			.append(this.settings.measure().toSeconds()).append(" s windows (scenario 1: ")
			.append(this.throughputSeconds).append(" s)");
		if (!Double.isNaN(this.rate)) {
			md.append("; fixed rate ").append(String.format(Locale.ROOT, "%.0f", this.rate)).append(" events/s");
		}
		if (!configurations(Scenario.S6).isEmpty()) {
			md.append("; scenario 6: ").append(String.format(Locale.ROOT, "%,d", this.settings.streams()))
				.append(" streams");
		}
		if (!configurations(Scenario.S7).isEmpty()) {
			md.append("; scenario 7: ").append(String.format(Locale.ROOT, "%,d", this.settings.tokenStreams()))
				.append(" streams of ").append(this.settings.tokenEvents()).append(" tokens at ")
				.append(String.format(Locale.ROOT, "%.0f", this.settings.tokenRate())).append("/s, time to live ")
				.append(this.settings.tokenTimeToLive().toSeconds()).append(" s");
		}
		md.append("; run took ").append(this.took.toMinutes()).append(" min.\n\n");
		this.environment.forEach((name, value) -> md.append("- ").append(name).append(": ").append(value).append('\n'));
		md.append("- Runner options: `").append(this.command.isEmpty() ? "(defaults)" : this.command).append("`\n\n");

		List<Column> throughput = new ArrayList<>(List.of(
				column("delivered/s", (c) -> format(m(c, Scenario.S1, Metric.DELIVERED_PER_SECOND), 0)),
				column("× hand-written", (c) -> ratio(c, Contender.HAND_WRITTEN, Scenario.S1)),
				column("× netty-limit", (c) -> ratio(c, Contender.NETTY, Scenario.S1)),
				column("publishes/s", (c) -> format(m(c, Scenario.S1, Metric.PUBLISHED_PER_SECOND), 0)),
				column("server CPU s / M deliveries", (c) -> format(m(c, Scenario.S1, Metric.CPU_SECONDS_PER_MILLION), 2)),
				column("events / write call", (c) -> format(m(c, Scenario.S1, Metric.EVENTS_PER_WRITE), 1)),
				column("server CPU use", (c) -> format(m(c, Scenario.S1, Metric.CPU_UTILIZATION), 2)),
				column("of it JIT", (c) -> format(m(c, Scenario.S1, Metric.COMPILER_CPU_SHARE), 2)),
				column("load generator CPU use", (c) -> format(m(c, Scenario.S1, Metric.CLIENT_CPU_UTILIZATION), 2)),
				column("p99 ms at saturation", (c) -> format(m(c, Scenario.S1, Metric.P99_MS), 1)),
				column("closed by server", (c) -> format(m(c, Scenario.S1, Metric.CLOSED_BY_SERVER), 0))));
		if (configurations(Scenario.S1).stream().anyMatch((c) -> c.contender().usesRedis())) {
			// Beside the server's CPU use and its JIT share: Redis runs on the server's CPUs.
			throughput.add(8,
					column("Redis CPU use", (c) -> format(m(c, Scenario.S1, Metric.REDIS_CPU_UTILIZATION), 2)));
		}
		table(md, Scenario.S1, "delivered events/s", throughput);
		table(md, Scenario.S2, "publish-to-receive", List.of(
				column("p50 ms", (c) -> format(m(c, Scenario.S2, Metric.P50_MS), 2)),
				column("p99 ms", (c) -> format(m(c, Scenario.S2, Metric.P99_MS), 2)),
				column("p99.9 ms", (c) -> format(m(c, Scenario.S2, Metric.P999_MS), 2)),
				column("max ms", (c) -> format(m(c, Scenario.S2, Metric.MAX_MS), 1)),
				column("delivered share", (c) -> format(m(c, Scenario.S2, Metric.DELIVERED_SHARE), 4))));
		table(md, Scenario.S3, "idle connections", List.of(
				column("connected", (c) -> format(m(c, Scenario.S3, Metric.IDLE_CONNECTED), 0)),
				column("heap KB / conn", (c) -> format(m(c, Scenario.S3, Metric.HEAP_KB_PER_CONNECTION), 1)),
				column("RSS KB / conn", (c) -> format(m(c, Scenario.S3, Metric.RSS_KB_PER_CONNECTION), 1)),
				column("direct KB / conn", (c) -> format(m(c, Scenario.S3, Metric.DIRECT_KB_PER_CONNECTION), 1)),
				column("server fds", (c) -> format(m(c, Scenario.S3, Metric.SERVER_FDS), 0)),
				column("server threads", (c) -> format(m(c, Scenario.S3, Metric.SERVER_THREADS), 0)),
				column("got a heartbeat", (c) -> format(m(c, Scenario.S3, Metric.HEARTBEAT_SHARE), 3))));
		table(md, Scenario.S4, "normal subscribers beside " + this.settings.slowConnections() + " that stop reading",
				List.of(column("p50 ms", (c) -> format(m(c, Scenario.S4, Metric.P50_MS), 2)),
						column("p99 ms", (c) -> format(m(c, Scenario.S4, Metric.P99_MS), 2)),
						column("p99 / scenario 2 p99",
								(c) -> format(m(c, Scenario.S4, Metric.P99_MS) / m(c, Scenario.S2, Metric.P99_MS), 2)),
						column("delivered share", (c) -> format(m(c, Scenario.S4, Metric.DELIVERED_SHARE), 4)),
						column("slow closed by server",
								(c) -> format(m(c, Scenario.S4, Metric.SLOW_CLOSED_BY_SERVER), 0)),
						column("server threads", (c) -> format(m(c, Scenario.S4, Metric.SERVER_THREADS), 0))));
		table(md, Scenario.S5, "all subscribers drop and resume", List.of(
				column("catch-up s", (c) -> format(m(c, Scenario.S5, Metric.CATCH_UP_SECONDS), 3)),
				column("lost", (c) -> format(m(c, Scenario.S5, Metric.LOST), 0)),
				column("duplicated", (c) -> format(m(c, Scenario.S5, Metric.DUPLICATED), 0)),
				column("resyncs", (c) -> format(m(c, Scenario.S5, Metric.RESYNCS), 0)),
				column("reconnected", (c) -> format(m(c, Scenario.S5, Metric.RECONNECTED), 0))));
		List<Column> manyStreams = new ArrayList<>(List.of(
				column("streams", (c) -> format(m(c, Scenario.S6, Metric.STREAMS), 0)),
				column("delivered/s", (c) -> format(m(c, Scenario.S6, Metric.DELIVERED_PER_SECOND), 0)),
				column("× hand-written", (c) -> ratio(c, Contender.HAND_WRITTEN, Scenario.S6)),
				column("server CPU s / M deliveries", (c) -> format(m(c, Scenario.S6, Metric.CPU_SECONDS_PER_MILLION), 2)),
				column("events / write call", (c) -> format(m(c, Scenario.S6, Metric.EVENTS_PER_WRITE), 2)),
				column("server CPU use", (c) -> format(m(c, Scenario.S6, Metric.CPU_UTILIZATION), 2)),
				column("load generator CPU use", (c) -> format(m(c, Scenario.S6, Metric.CLIENT_CPU_UTILIZATION), 2)),
				column("p50 ms", (c) -> format(m(c, Scenario.S6, Metric.P50_MS), 2)),
				column("p99 ms", (c) -> format(m(c, Scenario.S6, Metric.P99_MS), 2)),
				column("delivered share", (c) -> format(m(c, Scenario.S6, Metric.DELIVERED_SHARE), 4)),
				column("events / stream", (c) -> format(m(c, Scenario.S6, Metric.EVENTS_PER_STREAM), 0)),
				column("heap KB / stream, subscribed", (c) -> format(m(c, Scenario.S6, Metric.HEAP_KB_PER_SUBSCRIBED_STREAM), 1)),
				column("heap KB / stream, after", (c) -> format(m(c, Scenario.S6, Metric.HEAP_KB_PER_UNSUBSCRIBED_STREAM), 2)),
				column("connections released s", (c) -> format(m(c, Scenario.S6, Metric.RELEASE_SECONDS), 1)),
				column("closed by server", (c) -> format(m(c, Scenario.S6, Metric.CLOSED_BY_SERVER), 0))));
		if (configurations(Scenario.S6).stream().anyMatch((c) -> c.contender().usesRedis())) {
			manyStreams.add(6,
					column("Redis CPU use", (c) -> format(m(c, Scenario.S6, Metric.REDIS_CPU_UTILIZATION), 2)));
		}
		table(md, Scenario.S6, "one subscriber per stream, the server publishing to streams at random", manyStreams);
		table(md, Scenario.S7, "finite streams, each client drops once and resumes, then each stream completes",
				List.of(column("streams", (c) -> format(m(c, Scenario.S7, Metric.STREAMS), 0)),
						column("completed", (c) -> format(m(c, Scenario.S7, Metric.COMPLETED), 0)),
						column("all complete s", (c) -> format(m(c, Scenario.S7, Metric.COMPLETE_SECONDS), 2)),
						column("lost", (c) -> format(m(c, Scenario.S7, Metric.LOST), 0)),
						column("duplicated", (c) -> format(m(c, Scenario.S7, Metric.DUPLICATED), 0)),
						column("id breaks", (c) -> format(m(c, Scenario.S7, Metric.ID_BREAKS), 0)),
						column("replayed", (c) -> format(m(c, Scenario.S7, Metric.REPLAYED), 0)),
						column("resyncs", (c) -> format(m(c, Scenario.S7, Metric.RESYNCS), 0)),
						column("drops", (c) -> format(m(c, Scenario.S7, Metric.DROPS), 0)),
						column("told to stop (204)", (c) -> format(m(c, Scenario.S7, Metric.TOLD_TO_STOP), 0)),
						column("p50 ms", (c) -> format(m(c, Scenario.S7, Metric.P50_MS), 2)),
						column("p99 ms", (c) -> format(m(c, Scenario.S7, Metric.P99_MS), 2)),
						column("max ms", (c) -> format(m(c, Scenario.S7, Metric.MAX_MS), 1)),
						column("heap MB after complete", (c) -> format(m(c, Scenario.S7, Metric.HEAP_MB_AFTER_COMPLETE), 1)),
						column("heap MB after expiry", (c) -> format(m(c, Scenario.S7, Metric.HEAP_MB_AFTER_EXPIRY), 2))));
		List<String> errors = new ArrayList<>();
		for (Result result : this.results) {
			if (result.error() != null) {
				errors.add("- " + result.configuration().name() + " " + result.scenario() + " #" + result.repeat()
						+ ": " + result.error());
			}
		}
		if (!errors.isEmpty()) {
			md.append("Failed repetitions:\n\n").append(String.join("\n", errors)).append("\n");
		}
		return md.toString();
	}

	private void table(StringBuilder md, Scenario scenario, String what, List<Column> columns) {
		List<Configuration> configurations = configurations(scenario);
		if (configurations.isEmpty()) {
			return;
		}
		md.append("### Scenario ").append(scenario.name().substring(1)).append(": ").append(scenario.title())
			.append(" (").append(what).append(")\n\n| JDK | threads | contender |");
		StringBuilder rule = new StringBuilder("|---|---|---|");
		for (Column column : columns) {
			md.append(' ').append(column.title()).append(" |");
			rule.append("---:|");
		}
		md.append('\n').append(rule).append('\n');
		for (Configuration configuration : configurations) {
			md.append("| ").append(configuration.jdk()).append(" | ").append(configuration.threads()).append(" | ")
				.append(configuration.contender().id()).append(" |");
			for (Column column : columns) {
				md.append(' ').append(column.value().apply(configuration)).append(" |");
			}
			md.append('\n');
		}
		md.append('\n');
	}

	private List<Configuration> configurations(Scenario scenario) {
		Map<String, Configuration> seen = new LinkedHashMap<>();
		for (Result result : this.results) {
			if (result.scenario() == scenario) {
				seen.putIfAbsent(result.configuration().name(), result.configuration());
			}
		}
		return new ArrayList<>(seen.values());
	}

	private String ratio(Configuration configuration, Contender baseline, Scenario scenario) {
		for (Result result : this.results) {
			Configuration other = result.configuration();
			if (other.contender() == baseline && other.jdk().equals(configuration.jdk()) && !other.virtualThreads()
					&& result.scenario() == scenario) {
				return format(m(configuration, scenario, Metric.DELIVERED_PER_SECOND)
						/ m(other, scenario, Metric.DELIVERED_PER_SECOND), 2);
			}
		}
		return "–";
	}

	private double m(Configuration configuration, Scenario scenario, String metric) {
		return median(this.results, configuration, scenario, metric);
	}

	private int repeats() {
		int most = 0;
		for (Result result : this.results) {
			most = Math.max(most, result.repeat());
		}
		return most;
	}

	private static String format(double value, int decimals) {
		if (Double.isNaN(value)) {
			return "–";
		}
		if (Double.isInfinite(value)) {
			return "never";
		}
		return String.format(Locale.ROOT, "%,." + decimals + "f", value);
	}

	private static Column column(String title, Function<Configuration, String> value) {
		return new Column(title, value);
	}

	private record Column(String title, Function<Configuration, String> value) {
	}

}
