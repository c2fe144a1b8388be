package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ssereplay.benchmarks.server.Contender;

/**
 * Runs the scenarios against every server configuration and writes the results:
 * {@code results.csv} (every repetition), {@code results.md} (medians, ratios)
 * and each server's log, under the output directory.
 * <p>
 * Each configuration runs scenarios 1 to 5 in one server process, warmed up
 * once. The servers of one JDK are started and measured in scenario 1 one after
 * the other and stay up (idle, on the same CPU); the fixed rate of the other
 * scenarios is half the publish rate of the slowest contender there, on the
 * first JDK with platform threads. Then each server in turn runs scenarios 2, 5,
 * 4 and 3, and stops: slow connections after the others, as they can leave a
 * server that blocks on them in a poor state, and the 10,000 idle connections
 * last, as they can exhaust the heap of a server that spends 100 KB on each.
 * <p>
 * Scenarios 6 and 7 each run on a server of their own, started and warmed up
 * for them, and only against the contenders that serve them (see
 * {@link Contender#publishesToRandomStreams()} and
 * {@link Contender#generatesTokens()}): scenario 6 with a heap of
 * {@code --streams-heap} (3 GB by default; 10,000 Tomcat connections with the
 * default buffers do not fit in 1 GB), scenario 7 with the replay store's time
 * to live set to {@code --token-ttl-seconds}. They need no fixed rate, so
 * {@code --scenarios=S6,S7} runs no other scenario.
 * <p>
 * Options (all optional): {@code --java17=HOME}, {@code --java25=HOME},
 * {@code --contenders=a,b}, {@code --scenarios=S1,S2}, {@code --contenders25=},
 * {@code --scenarios25=}, {@code --virtual25=a,b} (also run these contenders on
 * JDK 25 with virtual threads), {@code --repeats=3}, {@code --idle-repeats=1},
 * {@code --rate=N}, {@code --server-cpus=0}, {@code --base-port=28180}, {@code --out=DIR},
 * {@code --subscribers=N}, {@code --idle-connections=N},
 * {@code --measure-seconds=20} (the window of scenarios 2, 4 and 5),
 * {@code --throughput-seconds=4} (the window of scenario 1), {@code --warmup-seconds=30}, {@code --warmup-cpus=0-1}, {@code --server-jvm-flags="-Xa -Xb"},
 * {@code --server-args="--a=1 --b=2"} (separated by spaces), and for scenarios 6
 * and 7 {@code --streams=10000}, {@code --streams-heap=3g},
 * {@code --token-streams=1000}, {@code --token-events=300},
 * {@code --token-rate=30}, {@code --token-ttl-seconds=10} and
 * {@code --token-away-ms=1000}. The defaults are the full run; a smoke run
 * lowers {@code --streams} and {@code --token-streams}.
 * <p>
 * The contenders with the Redis store ({@link Contender#usesRedis()}) run only
 * when named ({@code --contenders=}, {@code --contenders25=}), each server with a
 * {@code redis-server} of its own, the one on the {@code PATH} or
 * {@code --redis-server=PATH}, started before the server and stopped after it,
 * pinned to the server's CPUs and emptied before every run of a scenario. A
 * contender of several instances ({@link Contender#instances()}) runs them as
 * processes on consecutive ports, all pinned to the server's CPUs, which they
 * share as one server has them; it runs scenarios 2 and 5 only (see
 * {@link #MULTI_INSTANCE_SCENARIOS}).
 */
public final class BenchmarkRunner {

	// Away from the 8080 and 18080 of applications run by hand on the same machine.
	private static final int BASE_PORT = 28180;

	/**
	 * The scenarios a contender of several instances runs: those whose numbers are
	 * the clients' alone. Its subscribers are spread over the instances, and each
	 * reconnects to another one in scenario 5; the publisher posts to the first. A
	 * server's CPU time and memory, which the other scenarios report, would be one
	 * instance's share.
	 */
	static final Set<Scenario> MULTI_INSTANCE_SCENARIOS = EnumSet.of(Scenario.S2, Scenario.S5);

	private final Map<String, String> options;

	private final Settings settings;

	private final Path out;

	private final List<Result> results = new ArrayList<>();

	private final PrintStream log = System.out;

	private BenchmarkRunner(Map<String, String> options) {
		this.options = options;
		Settings full = Settings.full();
		int measure = Integer.parseInt(option("measure-seconds", Long.toString(full.measure().toSeconds())));
		this.settings = new Settings(Integer.parseInt(option("subscribers", Integer.toString(full.subscribers()))),
				Integer.parseInt(option("idle-connections", Integer.toString(full.idleConnections()))),
				Integer.parseInt(option("slow-connections", Integer.toString(full.slowConnections()))),
				full.payloadBytes(), full.window(), full.warmup(), Duration.ofSeconds(measure), full.slowFill(),
				full.reconnectAfter(), full.catchUpTimeout(), full.heartbeatWait(), full.workers(),
				full.connectConcurrency(), Integer.parseInt(option("streams", Integer.toString(full.streams()))),
				Integer.parseInt(option("token-streams", Integer.toString(full.tokenStreams()))),
				Integer.parseInt(option("token-events", Integer.toString(full.tokenEvents()))),
				Double.parseDouble(option("token-rate", Double.toString(full.tokenRate()))),
				Duration.ofSeconds(Long.parseLong(option("token-ttl-seconds",
						Long.toString(full.tokenTimeToLive().toSeconds())))),
				Duration.ofMillis(Long.parseLong(option("token-away-ms", Long.toString(full.tokenAway().toMillis())))));
		this.out = Path.of(option("out", "target/benchmark-results"));
	}

	/**
	 * Runs the benchmark.
	 * @param args {@code --name=value} options
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		new BenchmarkRunner(options).run();
	}

	private void run() throws IOException, InterruptedException {
		Files.createDirectories(this.out.resolve("logs"));
		Instant started = Instant.now();
		List<Configuration> configurations = plan();
		this.log.printf("%d configurations, settings %s%n", configurations.size(), this.settings);
		if (configurations.stream().anyMatch((configuration) -> configuration.contender().usesRedis())) {
			// Before any server starts, rather than when the first Redis contender's turn comes.
			this.log.printf("Redis contenders run on %s%n", RedisProcess.binary(redisServer()));
		}
		double rate = Double.NaN;
		// One JDK at a time: its servers all stay up from scenario 1 until their last
		// scenario, so each is warmed up once.
		Map<String, List<Configuration>> byJdk = new LinkedHashMap<>();
		for (Configuration configuration : configurations) {
			byJdk.computeIfAbsent(configuration.jdk(), (key) -> new ArrayList<>()).add(configuration);
		}
		int port = Integer.parseInt(option("base-port", Integer.toString(BASE_PORT)));
		for (List<Configuration> group : byJdk.values()) {
			Map<Configuration, ServerProcess> servers = new LinkedHashMap<>();
			try {
				for (Configuration configuration : group) {
					if (sharesServer(configuration)) {
						ServerProcess server = start(configuration, port, null);
						port += configuration.contender().instances();
						servers.put(configuration, server);
						run(configuration, server, List.of(Scenario.S1), Double.NaN);
					}
				}
				if (Double.isNaN(rate) && needsRate(group)) {
					rate = rate(group);
					this.log.printf("%nFixed publish rate for scenarios 2, 4 and 5: %.0f events/s%n", rate);
				}
				for (Configuration configuration : group) {
					ServerProcess server = servers.remove(configuration);
					if (server != null) {
						run(configuration, server, List.of(Scenario.S2, Scenario.S5, Scenario.S4, Scenario.S3),
								rate);
						server.close();
					}
				}
			}
			finally {
				servers.values().forEach(ServerProcess::close);
			}
			for (Configuration configuration : group) {
				for (Scenario scenario : List.of(Scenario.S6, Scenario.S7)) {
					if (!configuration.scenarios().contains(scenario)) {
						continue;
					}
					Contender contender = configuration.contender();
					if (!((scenario == Scenario.S6) ? contender.publishesToRandomStreams()
							: contender.generatesTokens())) {
						this.log.printf("%n== %s: no %s, it has no endpoint for it%n", configuration.name(), scenario);
						continue;
					}
					int serverPort = port;
					port += configuration.contender().instances();
					try (ServerProcess server = start(configuration, serverPort, scenario)) {
						run(configuration, server, List.of(scenario), rate);
					}
				}
			}
		}
		Duration took = Duration.between(started, Instant.now());
		Report report = new Report(this.results, rate, this.settings, throughputSeconds(), took, environment(configurations),
				String.join(" ", command()));
		Files.writeString(this.out.resolve("results.csv"), report.csv());
		Files.writeString(this.out.resolve("results.md"), report.markdown());
		this.log.println(report.markdown());
		this.log.printf("Results in %s (took %d min %d s)%n", this.out.toAbsolutePath(), took.toMinutes(),
				took.toSecondsPart());
	}

	private List<Configuration> plan() {
		List<Configuration> plan = new ArrayList<>();
		Path java17 = Path.of(option("java17", System.getProperty("java.home")));
		Set<Scenario> scenarios = scenarios(option("scenarios", "S1,S2,S3,S4,S5"));
		for (Contender contender : contenders(option("contenders", all()))) {
			plan.add(new Configuration("17", java17, contender, false, servedBy(contender, scenarios)));
		}
		String java25 = option("java25", "");
		if (!java25.isEmpty()) {
			Set<Scenario> scenarios25 = scenarios(option("scenarios25", option("scenarios", "S1,S2,S3,S4,S5")));
			for (Contender contender : contenders(option("contenders25", option("contenders", all())))) {
				plan.add(new Configuration("25", Path.of(java25), contender, false, servedBy(contender, scenarios25)));
			}
			for (Contender contender : contenders(option("virtual25", ""))) {
				if (!contender.servlet()) {
					throw new IllegalArgumentException(contender.id() + " has no virtual thread option");
				}
				plan.add(new Configuration("25", Path.of(java25), contender, true, servedBy(contender, scenarios25)));
			}
		}
		return plan;
	}

	private Set<Scenario> servedBy(Contender contender, Set<Scenario> scenarios) {
		if (contender.instances() == 1) {
			return scenarios;
		}
		Set<Scenario> served = EnumSet.copyOf(scenarios);
		served.retainAll(MULTI_INSTANCE_SCENARIOS);
		if (!served.equals(scenarios)) {
			Set<Scenario> left = EnumSet.copyOf(scenarios);
			left.removeAll(served);
			this.log.printf("%s runs %d instances, and only scenarios %s; not %s%n", contender.id(),
					contender.instances(), MULTI_INSTANCE_SCENARIOS, left);
		}
		return served;
	}

	// Whether any of scenarios 1 to 5 runs against the configuration.
	private static boolean sharesServer(Configuration configuration) {
		return configuration.scenarios().stream().anyMatch((scenario) -> !scenario.ownServer());
	}

	private static boolean needsRate(List<Configuration> group) {
		return group.stream()
			.anyMatch((configuration) -> configuration.scenarios().contains(Scenario.S2)
					|| configuration.scenarios().contains(Scenario.S4)
					|| configuration.scenarios().contains(Scenario.S5));
	}

	/**
	 * Starts a server and warms it up: publishing and fan-out at full speed, not
	 * recorded, until the JIT has compiled the delivery path. On one core the
	 * compiler competes with the server; a Spring server under this load keeps it
	 * busy for most of a minute.
	 * @param scenario the scenario the server is started for alone, with its own
	 * settings, or {@code null} for the server of scenarios 1 to 5
	 */
	private ServerProcess start(Configuration configuration, int port, Scenario scenario)
			throws IOException, InterruptedException {
		String name = configuration.name() + ((scenario != null) ? "-" + scenario.name().toLowerCase() : "");
		Path logFile = this.out.resolve("logs").resolve(name + ".log");
		List<String> arguments = new ArrayList<>(words(option("server-args", "")));
		List<String> jvmFlags = new ArrayList<>(words(option("server-jvm-flags", "")));
		if (scenario == Scenario.S6) {
			String heap = option("streams-heap", "3g");
			jvmFlags.addAll(List.of("-Xms" + heap, "-Xmx" + heap));
		}
		if (scenario != null) {
			arguments.addAll(Scenarios.serverArguments(scenario, this.settings));
		}
		if (configuration.virtualThreads()) {
			arguments.add("--spring.threads.virtual.enabled=true");
		}
		this.log.printf("%n== %s on port %d%n", name, port);
		int instances = configuration.contender().instances();
		if (instances > 1) {
			this.log.printf("   and %d more instances on the next ports%n", instances - 1);
		}
		for (int i = 0; i < instances; i++) {
			awaitPortFree(port + i);
		}
		ServerProcess server = ServerProcess.start(configuration.contender(), configuration.javaHome(), serverCpus(),
				jvmFlags, System.getProperty("java.class.path"), port, arguments, logFile, redisServer());
		try {
			for (Target instance : server.instances()) {
				String info = instance.admin("/admin/info");
				this.log.println("   " + info);
				checkServer(configuration, info);
			}
			// In rounds, each with its connects and closes like a measured run: code
			// compiled after a long stretch of publishing alone is deoptimized when the
			// next subscribers connect, and compiled again at the cost of the run.
			int rounds = 3;
			Duration warmup = Duration.ofSeconds(Integer.parseInt(option("warmup-seconds", "30")) / rounds);
			Scenarios warming = new Scenarios(server.instances(), this.settings.withMeasure(warmup));
			long start = System.nanoTime();
			// The JIT compiler gets the load generator's CPU too while warming up, and
			// is done sooner; everything is measured with the server on its own CPU.
			String cpus = serverCpus();
			if (cpus != null) {
				server.pin(option("warmup-cpus", onlineCpus()));
			}
			for (int round = 1; round <= rounds; round++) {
				String stream = prefix(configuration) + "_warm_" + round;
				attempt(() -> warming.fanOut(stream));
			}
			if (scenario != null) {
				// A small round of the scenario itself, so that its own paths are
				// compiled and its classes loaded before its baseline is measured.
				Scenarios small = new Scenarios(server.instances(), this.settings.withMeasure(warmup)
					.withStreams(Math.min(this.settings.streams(), 1000), Math.min(this.settings.tokenStreams(), 100),
							this.settings.tokenEvents(), this.settings.tokenRate()));
				String stream = prefix(configuration) + "_warm_" + scenario.name().toLowerCase() + "_";
				attempt(() -> (scenario == Scenario.S6) ? small.manyStreams(stream) : small.tokenStreams(stream));
			}
			if (cpus != null) {
				server.pin(cpus);
			}
			double compiler = server.target().compilerCpuSeconds();
			this.log.printf("   warmed up in %.1f s; JIT compiler CPU so far %.1f s of %.1f s%n",
					(System.nanoTime() - start) / 1e9, compiler, server.target().cpuSeconds());
			return server;
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	private void run(Configuration configuration, ServerProcess server, List<Scenario> order, double rate) {
		this.log.printf("%n== %s%n", configuration.name());
		Scenarios runs = new Scenarios(server.instances(), server.redis(), this.settings);
		// Throughput needs no long window: every second holds a million deliveries.
		Scenarios throughput = new Scenarios(server.instances(), server.redis(),
				this.settings.withMeasure(Duration.ofSeconds(throughputSeconds())));
		int repeats = Integer.parseInt(option("repeats", "3"));
		for (Scenario scenario : order) {
			if (!configuration.scenarios().contains(scenario)) {
				continue;
			}
			int times = (scenario == Scenario.S3) ? Integer.parseInt(option("idle-repeats", "1")) : repeats;
			for (int repeat = 1; repeat <= times; repeat++) {
				String stream = prefix(configuration) + "_" + scenario.name().toLowerCase() + "_" + repeat;
				long start = System.nanoTime();
				Result result = attempt(configuration, scenario, repeat, () -> {
					// Every run starts on an empty Redis, whatever the runs before left.
					server.flushStore();
					return switch (scenario) {
						case S1 -> throughput.fanOut(stream);
						case S2 -> runs.latency(stream, rate);
						case S3 -> runs.idleConnections(stream);
						case S4 -> runs.slowSubscribers(stream, rate);
						case S5 -> runs.reconnectStorm(stream, rate);
						case S6 -> runs.manyStreams(stream + "_");
						case S7 -> runs.tokenStreams(stream + "_");
					};
				});
				this.results.add(result);
				this.log.printf("   %s #%d (%.1f s): %s%n", scenario, repeat, (System.nanoTime() - start) / 1e9,
						(result.error() != null) ? "FAILED " + result.error() : result.metrics());
			}
		}
	}

	private int throughputSeconds() {
		return Integer.parseInt(option("throughput-seconds", "4"));
	}

	private static String prefix(Configuration configuration) {
		return configuration.contender().id().replace('-', '_') + "_" + configuration.threads();
	}

	private void checkServer(Configuration configuration, String info) {
		String server = Target.text(info, "server");
		String expected = configuration.contender().webServer();
		if (!expected.equals(server)) {
			throw new IllegalStateException(configuration.name() + " runs on " + server + ", not " + expected);
		}
		String thread = Target.text(info, "requestThread");
		if (configuration.virtualThreads() && !"VirtualThread".equals(thread)) {
			throw new IllegalStateException(configuration.name() + " answers on a " + thread);
		}
	}

	private double rate(List<Configuration> configurations) {
		String fixed = option("rate", "");
		if (!fixed.isEmpty()) {
			return Double.parseDouble(fixed);
		}
		double slowest = Double.MAX_VALUE;
		for (Configuration configuration : configurations) {
			if (!configuration.virtualThreads()) {
				// From deliveries, not publishes: the throughput publisher sends in bursts,
				// so its count in a short window moves in steps of a burst.
				double median = Report.median(this.results, configuration, Scenario.S1, Metric.DELIVERED_PER_SECOND)
						/ this.settings.subscribers();
				if (!Double.isNaN(median)) {
					slowest = Math.min(slowest, median);
				}
			}
		}
		if (slowest == Double.MAX_VALUE) {
			throw new IllegalStateException("No scenario 1 result to derive the rate from; pass --rate=N");
		}
		// Rounded, so that the rate reads as a setting.
		return Math.max(1, Math.round(slowest / 2 / 10.0) * 10.0);
	}

	private Result attempt(Configuration configuration, Scenario scenario, int repeat, Run run) {
		try {
			return new Result(configuration, scenario, repeat, run.run(), null);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return new Result(configuration, scenario, repeat, Map.of(), ex.toString());
		}
	}

	private void attempt(Run run) {
		try {
			run.run();
		}
		catch (Exception ex) {
			this.log.println("   warm-up failed: " + ex);
		}
	}

	private static String onlineCpus() {
		try {
			return Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
		}
		catch (IOException ex) {
			return "0";
		}
	}

	private Path redisServer() {
		String binary = option("redis-server", "");
		return binary.isEmpty() ? null : Path.of(binary);
	}

	private String serverCpus() {
		String cpus = option("server-cpus", "0");
		return cpus.isEmpty() ? null : cpus;
	}

	private static void awaitPortFree(int port) throws InterruptedException {
		// The previous server of the same contender may still be exiting.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (true) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(true);
				socket.bind(new InetSocketAddress("127.0.0.1", port));
				return;
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Port " + port + " is in use; choose others with --base-port=N");
				}
				Thread.sleep(200);
			}
		}
	}

	private Map<String, String> environment(List<Configuration> configurations) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("CPU", firstLine("lscpu", "Model name") + ", " + Runtime.getRuntime().availableProcessors()
				+ " cores visible to the load generator");
		environment.put("Kernel", System.getProperty("os.version"));
		for (Configuration configuration : configurations) {
			environment.computeIfAbsent("JDK " + configuration.jdk(), (key) -> javaVersion(configuration.javaHome()));
		}
		environment.put("Load generator JDK", System.getProperty("java.vm.name") + " "
				+ System.getProperty("java.runtime.version"));
		environment.put("Pinning", (serverCpus() != null)
				? "server on CPU " + serverCpus() + " (taskset), load generator on the CPUs it was started on"
				: "none");
		environment.put("Server JVM flags", String.join(" ", ServerProcess.JVM_FLAGS) + " "
				+ String.join(" ", words(option("server-jvm-flags", ""))));
		environment.put("Server arguments (all)", String.join(" ", ServerProcess.COMMON_ARGUMENTS));
		environment.put("sse-replay-tuned arguments", String.join(" ", Contender.SSE_REPLAY_TUNED.arguments()));
		environment.put("sse-replay-jetty-tuned arguments",
				String.join(" ", Contender.SSE_REPLAY_JETTY_TUNED.arguments()));
		if (configurations.stream().anyMatch((configuration) -> configuration.contender().usesRedis())) {
			Path binary = redisServer();
			String redis = (binary != null) ? binary.toString() : "redis-server";
			environment.put("Redis", redis + " " + redisVersion(redis) + "; one process per server of a Redis contender, on a free loopback port, --save \"\" --appendonly no, "
					+ ((serverCpus() != null) ? "pinned with the server to CPU " + serverCpus() : "not pinned")
					+ ", emptied (FLUSHALL) before every run of a scenario");
		}
		if (configurations.stream().anyMatch((configuration) -> configuration.contender().instances() > 1)) {
			environment.put("Several instances", "each a process of its own on one Redis, all "
					+ ((serverCpus() != null) ? "pinned to CPU " + serverCpus() + " with their Redis (together the "
							+ "CPU one server has)" : "not pinned")
					+ "; subscribers spread over them, the publisher posting to the first; in scenario 5 each "
					+ "subscriber reconnects to another instance");
		}
		if (configurations.stream().anyMatch((configuration) -> configuration.scenarios().contains(Scenario.S6))) {
			environment.put("Scenario 6 server", "its own, with -Xms" + option("streams-heap", "3g") + " -Xmx"
					+ option("streams-heap", "3g"));
		}
		if (configurations.stream().anyMatch((configuration) -> configuration.scenarios().contains(Scenario.S7))) {
			environment.put("Scenario 7 server", "its own, with "
					+ String.join(" ", Scenarios.serverArguments(Scenario.S7, this.settings)));
		}
		return environment;
	}

	private List<String> command() {
		List<String> command = new ArrayList<>();
		this.options.forEach((name, value) -> command.add("--" + name + "=" + value));
		return command;
	}

	private static String javaVersion(Path home) {
		try {
			Process process = new ProcessBuilder(home.resolve("bin/java").toString(), "-version")
				.redirectErrorStream(true)
				.start();
			String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(30, TimeUnit.SECONDS);
			String[] lines = text.split("\n");
			return (lines.length > 1) ? lines[1].trim() : text.trim();
		}
		catch (IOException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	private static String redisVersion(String binary) {
		try {
			Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
			String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(30, TimeUnit.SECONDS);
			Matcher version = Pattern.compile("v=(\\S+)").matcher(text);
			return version.find() ? version.group(1) : "(version unknown)";
		}
		catch (IOException ex) {
			return "(" + ex.getMessage() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "(version unknown)";
		}
	}

	private static String firstLine(String command, String prefix) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(30, TimeUnit.SECONDS);
			for (String line : text.split("\n")) {
				if (line.startsWith(prefix)) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// Reported as unknown.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "unknown";
	}

	private String option(String name, String fallback) {
		return this.options.getOrDefault(name, fallback);
	}

	// Every contender that needs no Redis: those run only when named.
	private static String all() {
		StringBuilder all = new StringBuilder();
		for (Contender contender : Contender.values()) {
			if (!contender.usesRedis()) {
				all.append((all.length() > 0) ? "," : "").append(contender.id());
			}
		}
		return all.toString();
	}

	private static List<Contender> contenders(String ids) {
		List<Contender> contenders = new ArrayList<>();
		for (String id : list(ids)) {
			contenders.add(Contender.of(id));
		}
		return contenders;
	}

	private static Set<Scenario> scenarios(String names) {
		Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
		for (String name : list(names)) {
			scenarios.add(Scenario.valueOf(name.toUpperCase()));
		}
		return scenarios;
	}

	private static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		for (String word : text.trim().split("\\s+")) {
			if (!word.isEmpty()) {
				words.add(word);
			}
		}
		return words;
	}

	private static List<String> list(String text) {
		List<String> items = new ArrayList<>();
		for (String item : Arrays.asList(text.split(","))) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		return items;
	}

	@FunctionalInterface
	private interface Run {

		Map<String, Double> run() throws Exception;

	}

}
