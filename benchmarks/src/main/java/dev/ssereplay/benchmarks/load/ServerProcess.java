package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
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
 * runs) or in this process (how the tests run).
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

	private final Target target;

	private final Runnable stop;

	private ServerProcess(Target target, Runnable stop) {
		this.target = target;
		this.stop = stop;
	}

	Target target() {
		return this.target;
	}

	/** The answer of {@code /admin/info}. */
	String info() throws IOException, InterruptedException {
		return this.target.admin("/admin/info");
	}

	@Override
	public void close() {
		this.stop.run();
	}

	/**
	 * Starts a contender in this process on any free port.
	 */
	static ServerProcess inProcess(Contender contender, List<String> extraArguments) {
		List<String> arguments = arguments(contender, 0, extraArguments);
		ServerHandle handle = contender.start(arguments.toArray(new String[0]));
		Target target = new Target(new InetSocketAddress("127.0.0.1", handle.port()), ProcessHandle.current().pid(),
				null);
		return new ServerProcess(target, handle::close);
	}

	/**
	 * Starts a contender in a new JVM.
	 * @param java the Java home to run it on
	 * @param cpus the CPUs to pin it to with taskset, or {@code null}
	 * @param jvmFlags extra JVM flags
	 * @param classpath the classpath of this module
	 * @param port the port
	 * @param extraArguments extra application arguments
	 * @param log where its output goes
	 */
	static ServerProcess start(Contender contender, Path java, String cpus, List<String> jvmFlags, String classpath,
			int port, List<String> extraArguments, Path log) throws IOException, InterruptedException {
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
		Target target = new Target(new InetSocketAddress("127.0.0.1", port), process.pid(), java);
		ServerProcess server = new ServerProcess(target, () -> stop(process));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (true) {
			try {
				server.info();
				return server;
			}
			catch (IOException ex) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					server.close();
					throw new IOException(contender.id() + " did not start; see " + log, ex);
				}
				Thread.sleep(200);
			}
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
