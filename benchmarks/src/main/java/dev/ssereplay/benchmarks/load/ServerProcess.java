package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.ssereplay.benchmarks.server.Contender;
import dev.ssereplay.benchmarks.server.ServerHandle;

/**
 * A contender server under test, in a process of its own (how the benchmark
 * runs) or in this process (how the tests run); for a contender of several
 * instances, one process or application each; and for a contender that keeps its
 * history in Redis, the Redis it runs on, started and stopped with it.
 */
final class ServerProcess implements AutoCloseable {

	/**
	 * JVM flags every server gets, whatever the contender: a fixed heap, so that
	 * heap sizing does not differ between them, and G1 (the default), where
	 * {@code System.gc()} is a full collection.
	 */
	static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");

	/**
	 * Arguments every server gets. They belong to the harness, not to tuning:
	 * heartbeats every 5 s so that scenario 3 sees them; room for 10,000 idle
	 * connections (Tomcat accepts 8,192 by default); and no limit on requests per
	 * keep-alive connection, which the pipelining publisher needs (Tomcat closes
	 * the connection after 100 by default).
	 */
	static final List<String> COMMON_ARGUMENTS = List.of("--bench.heartbeat=5s",
			"--sse.replay.heartbeat.interval=5s", "--server.tomcat.max-connections=20000",
			"--sse.replay.max-connections=20000", "--server.tomcat.max-keep-alive-requests=-1");

	private final List<Target> instances;

	private final RedisProcess redis;

	private final Runnable stop;

	private ServerProcess(List<Target> instances, RedisProcess redis, Runnable stop) {
		this.instances = List.copyOf(instances);
		this.redis = redis;
		this.stop = stop;
	}

	/** The server, or its first instance, which the publisher posts to. */
	Target target() {
		return this.instances.get(0);
	}

	/** Every instance of the server, the first one first. */
	List<Target> instances() {
		return this.instances;
	}

	/** The Redis the server keeps its history in, or {@code null}. */
	Target redis() {
		return (this.redis != null) ? this.redis.target() : null;
	}

	/** The answer of {@code /admin/info}, from the first instance. */
	String info() throws IOException, InterruptedException {
		return target().admin("/admin/info");
	}

	/**
	 * Lets every instance, and the Redis of a contender that has one, run on the
	 * given CPUs.
	 * @param cpus a CPU list for taskset, such as {@code 0} or {@code 0,1}
	 */
	void pin(String cpus) throws IOException, InterruptedException {
		for (Target instance : this.instances) {
			instance.pin(cpus);
		}
		if (this.redis != null) {
			this.redis.target().pin(cpus);
		}
	}

	/**
	 * Empties the Redis of a contender that has one, so that the streams of one
	 * run do not weigh on the next; does nothing for the others.
	 */
	void flushStore() throws IOException {
		if (this.redis != null) {
			this.redis.flushAll();
		}
	}

	@Override
	public void close() {
		this.stop.run();
	}

	/**
	 * Starts a contender in this process on any free port, with a Redis of its own
	 * when it needs one (not pinned).
	 */
	static ServerProcess inProcess(Contender contender, List<String> extraArguments)
			throws IOException, InterruptedException {
		RedisProcess redis = null;
		List<ServerHandle> handles = new ArrayList<>();
		try {
			List<String> extra = new ArrayList<>(extraArguments);
			if (contender.usesRedis()) {
				Path log = Files.createTempFile("sse-replay-bench-redis-", ".log");
				log.toFile().deleteOnExit();
				redis = RedisProcess.start(null, null, log);
				extra.addAll(redis.springArguments());
			}
			List<Target> instances = new ArrayList<>();
			for (int i = 0; i < contender.instances(); i++) {
				ServerHandle handle = contender.start(arguments(contender, 0, extra).toArray(new String[0]));
				handles.add(handle);
				instances.add(new Target(new InetSocketAddress("127.0.0.1", handle.port()),
						ProcessHandle.current().pid(), null));
			}
			RedisProcess store = redis;
			return new ServerProcess(instances, redis, () -> {
				handles.forEach(ServerHandle::close);
				if (store != null) {
					store.close();
				}
			});
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			handles.forEach(ServerHandle::close);
			if (redis != null) {
				redis.close();
			}
			throw ex;
		}
	}

	/**
	 * Starts a contender in new JVMs: one per instance, on consecutive ports, and
	 * before them a Redis of its own when it needs one, pinned to the same CPUs.
	 * @param java the Java home to run it on
	 * @param cpus the CPUs to pin it to with taskset, or {@code null}
	 * @param jvmFlags extra JVM flags
	 * @param classpath the classpath of this module
	 * @param port the port of the first instance
	 * @param extraArguments extra application arguments
	 * @param log where its output goes; other instances and Redis write beside it
	 * @param redisServer the {@code redis-server} to run, or {@code null} for the
	 * one on the {@code PATH}
	 */
	static ServerProcess start(Contender contender, Path java, String cpus, List<String> jvmFlags, String classpath,
			int port, List<String> extraArguments, Path log, Path redisServer)
			throws IOException, InterruptedException {
		String name = log.getFileName().toString().replaceFirst("\\.log$", "");
		RedisProcess redis = null;
		List<Process> processes = new ArrayList<>();
		try {
			List<String> extra = new ArrayList<>(extraArguments);
			if (contender.usesRedis()) {
				redis = RedisProcess.start(redisServer, cpus, log.resolveSibling(name + "-redis.log"));
				extra.addAll(redis.springArguments());
			}
			List<Target> instances = new ArrayList<>();
			for (int i = 0; i < contender.instances(); i++) {
				Path instanceLog = (i == 0) ? log : log.resolveSibling(name + "-instance" + (i + 1) + ".log");
				Process process = startInstance(contender, java, cpus, jvmFlags, classpath, port + i, extra,
						instanceLog, processes);
				instances.add(new Target(new InetSocketAddress("127.0.0.1", port + i), process.pid(), java));
			}
			RedisProcess store = redis;
			return new ServerProcess(instances, redis, () -> stop(processes, store));
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			stop(processes, redis);
			throw ex;
		}
	}

	// Starts one JVM, adds it to the started ones and waits until it answers.
	private static Process startInstance(Contender contender, Path java, String cpus, List<String> jvmFlags,
			String classpath, int port, List<String> extraArguments, Path log, List<Process> started)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		if (cpus != null) {
			command.addAll(List.of("taskset", "-c", cpus));
		}
		command.add(java.resolve("bin/java").toString());
		command.addAll(JVM_FLAGS);
		command.addAll(jvmFlags);
		command.addAll(List.of("-cp", classpath, contender.mainClass().getName()));
		command.addAll(arguments(contender, port, extraArguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		started.add(process);
		Target target = new Target(new InetSocketAddress("127.0.0.1", port), process.pid(), java);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (true) {
			try {
				target.admin("/admin/info");
				return process;
			}
			catch (IOException ex) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					throw new IOException(contender.id() + " did not start; see " + log, ex);
				}
				Thread.sleep(200);
			}
		}
	}

	// The servers first, then the Redis they use.
	private static void stop(List<Process> processes, RedisProcess redis) {
		processes.forEach(ServerProcess::stop);
		if (redis != null) {
			redis.close();
		}
	}

	private static void stop(Process process) {
		process.destroy();
		try {
			if (!process.waitFor(15, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				process.waitFor(15, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	// Later arguments replace earlier ones of the same name: Spring would join
	// repeated values with a comma.
	private static List<String> arguments(Contender contender, int port, List<String> extra) {
		Map<String, String> arguments = new LinkedHashMap<>();
		List<String> all = new ArrayList<>();
		all.add("--server.port=" + port);
		all.add("--bench.contender=" + contender.id());
		all.addAll(COMMON_ARGUMENTS);
		all.addAll(contender.arguments());
		all.addAll(extra);
		for (String argument : all) {
			int equals = argument.indexOf('=');
			arguments.put((equals > 0) ? argument.substring(0, equals) : argument, argument);
		}
		return new ArrayList<>(arguments.values());
	}

}
