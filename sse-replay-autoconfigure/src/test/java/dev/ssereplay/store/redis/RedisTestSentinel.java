package dev.ssereplay.store.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private Redis Sentinel deployment for tests: one master, one replica that
 * follows it with {@code replicaof}, and sentinels that watch them, each a
 * process of the {@code redis-server} binary {@link RedisTestServer} finds (run
 * with {@code --sentinel} for the sentinels) on a free loopback port. The
 * sentinels are started once the replica is in sync, so that they know it from
 * their first look at the master; {@link #start} returns once every sentinel
 * names the master, knows the other sentinels and counts the replica as fit to
 * take over. Commands travel as plain RESP on a socket
 * ({@link RedisTestCluster#call}), since CI has no {@code redis-cli}. When the
 * deployment does not come up in time the test fails with the processes' logs:
 * Sentinel tests are never skipped.
 * <p>
 * A sentinel deems a master down after {@value #DOWN_AFTER_MILLIS} ms without
 * an answer; a master handed
 * over with {@code SENTINEL FAILOVER} keeps running as a master, and keeps the
 * connections it had, until a sentinel turns it into a replica of the new one,
 * about ten seconds later.
 */
final class RedisTestSentinel implements AutoCloseable {

	/** The name the sentinels monitor the master under. */
	static final String MASTER_NAME = "sse-replay";

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	// Long enough that a busy machine does not make a live master look down,
	// short enough that a killed one is replaced within seconds.
	private static final int DOWN_AFTER_MILLIS = 2000;

	// Also how long a sentinel waits, twice over, before trying a failover that
	// did not happen again.
	private static final int FAILOVER_TIMEOUT_MILLIS = 5000;

	private final Path binary;

	private final int quorum;

	private final List<Node> servers = new ArrayList<>();

	private final List<Node> sentinels = new ArrayList<>();

	private RedisTestSentinel(Path binary, int quorum) {
		this.binary = binary;
		this.quorum = quorum;
	}

	/**
	 * Starts a master, its replica and the sentinels, and waits until the
	 * sentinels are ready to fail the master over.
	 * @param sentinels how many sentinels watch the master
	 * @param quorum how many of them must deem the master down to fail it over
	 * @return the running deployment
	 */
	static RedisTestSentinel start(int sentinels, int quorum) {
		RedisTestSentinel deployment;
		try {
			deployment = new RedisTestSentinel(RedisTestServer.findBinary(), quorum);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a redis-server for the test sentinels", ex);
		}
		long start = System.nanoTime();
		try {
			Node master = deployment.startServer(null);
			deployment.startServer(master.port);
			deployment.awaitReady("the replica to sync with the master", () -> deployment.replicasInSync(master.port));
			for (int i = 0; i < sentinels; i++) {
				deployment.startSentinel(master.port);
			}
			deployment.awaitHealthy("the sentinels to know the master, its replica and each other");
		}
		catch (RuntimeException | Error ex) {
			String logs = deployment.logs();
			deployment.close();
			throw new IllegalStateException("Could not start a master with a replica and " + sentinels
					+ " sentinel(s) from " + deployment.binary + ": " + ex.getMessage() + "\n" + logs, ex);
		}
		System.out.println("Started " + deployment + " in "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
		return deployment;
	}

	/**
	 * Returns the sentinels' addresses as {@code spring.data.redis.sentinel.nodes}
	 * takes them.
	 * @return for example {@code 127.0.0.1:30001,127.0.0.1:30002}
	 */
	String nodesProperty() {
		return this.sentinels.stream()
			.map((sentinel) -> "127.0.0.1:" + sentinel.port)
			.collect(Collectors.joining(","));
	}

	/**
	 * Returns the ports of the sentinels.
	 * @return the ports, in the order the sentinels were started
	 */
	List<Integer> sentinelPorts() {
		return this.sentinels.stream().map((sentinel) -> sentinel.port).toList();
	}

	/**
	 * Returns the port of the master, as the first sentinel names it.
	 * @return the master's port
	 */
	int masterPort() {
		return masterPort(this.sentinels.get(0).port);
	}

	/**
	 * Returns the ports of the data servers that run, master or replica.
	 * @return the ports
	 */
	List<Integer> serverPorts() {
		return this.servers.stream().filter(Node::isRunning).map((server) -> server.port).toList();
	}

	/**
	 * Has a sentinel hand the master over to its replica with
	 * {@code SENTINEL FAILOVER}, and waits until every sentinel names the new
	 * master. The old master runs on, as a master, until a sentinel turns it
	 * into a replica.
	 * @return the port of the new master
	 */
	int failover() {
		int master = masterPort();
		int port = this.sentinels.get(0).port;
		// A sentinel that has not heard from the replica lately answers NOGOODSLAVE:
		// ask again until it has.
		AtomicReference<String> refusal = new AtomicReference<>();
		try {
			awaitReady("the sentinel on port " + port + " to start a failover", () -> {
				try {
					return "OK".equals(RedisTestCluster.call(port, "SENTINEL", "FAILOVER", MASTER_NAME));
				}
				catch (IllegalStateException ex) {
					refusal.set(ex.getMessage());
					return false;
				}
			});
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(refusal.get() + "; " + ex.getMessage(), ex);
		}
		return awaitNewMaster(master);
	}

	/**
	 * Waits until every sentinel names a master other than the given one, and
	 * that server says it is a master.
	 * @param oldMaster the port of the master that is being replaced
	 * @return the port of the new master
	 */
	int awaitNewMaster(int oldMaster) {
		awaitReady("the sentinels to name a new master in place of port " + oldMaster, () -> {
			int master = masterPort();
			return master != oldMaster && isMaster(master)
					&& this.sentinels.stream().allMatch((sentinel) -> masterPort(sentinel.port) == master);
		});
		return masterPort();
	}

	/**
	 * Waits until exactly one data server is a master, every other one that runs
	 * is its replica and in sync with it, and every sentinel names that master,
	 * knows the other sentinels and counts every running replica as fit to take
	 * over: so a failover can start at once.
	 * @param what what is waited for, for the message on timeout
	 */
	void awaitHealthy(String what) {
		awaitReady(what, this::healthy);
	}

	/**
	 * Kills every process and deletes their files. Idempotent.
	 */
	@Override
	public void close() {
		for (Node node : this.sentinels) {
			node.close();
		}
		for (Node node : this.servers) {
			node.close();
		}
	}

	@Override
	public String toString() {
		return "Redis master with replica on ports "
				+ this.servers.stream().map((node) -> Integer.toString(node.port)).collect(Collectors.joining(","))
				+ ", sentinels on ports " + this.sentinels.stream()
					.map((node) -> Integer.toString(node.port))
					.collect(Collectors.joining(","))
				+ " (" + this.binary + ")";
	}

	private Node startServer(Integer masterPort) {
		return startNode(this.servers, "sse-replay-sentinel-server-",
				(node) -> serverArguments(node, masterPort), false);
	}

	private List<String> serverArguments(Node node, Integer masterPort) {
		List<String> arguments = new ArrayList<>(List.of(this.binary.toString(), "--port",
				Integer.toString(node.port), "--bind", "127.0.0.1", "--protected-mode", "no", "--daemonize", "no",
				"--save", "", "--appendonly", "no",
				// A replica syncs at once, rather than after the default 5 s wait for others.
				"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--dir",
				node.directory.toString()));
		if (masterPort != null) {
			arguments.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
		}
		return arguments;
	}

	private void startSentinel(int masterPort) {
		startNode(this.sentinels, "sse-replay-sentinel-", (node) -> {
			// A sentinel rewrites its configuration file, which must be its own.
			Path config = node.directory.resolve("sentinel.conf");
			String text = String.join("\n", "port " + node.port, "bind 127.0.0.1", "protected-mode no",
					"daemonize no", "dir " + node.directory,
					"sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " " + this.quorum,
					"sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
					"sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
					"sentinel parallel-syncs " + MASTER_NAME + " 1", "");
			try {
				Files.writeString(config, text, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not write " + config, ex);
			}
			return List.of(this.binary.toString(), config.toString(), "--sentinel");
		}, true);
	}

	private Node startNode(List<Node> nodes, String prefix, Function<Node, List<String>> command,
			boolean sentinel) {
		IllegalStateException last = null;
		// A free port can be taken by another process before the node binds it: try
		// a few.
		for (int attempt = 0; attempt < 5; attempt++) {
			Node node = new Node(freePort(), prefix);
			try {
				node.start(this.binary, command.apply(node), sentinel);
				nodes.add(node);
				return node;
			}
			catch (IllegalStateException ex) {
				node.close();
				last = ex;
			}
		}
		throw last;
	}

	private Node server(int port) {
		return this.servers.stream()
			.filter((server) -> server.port == port)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No data server on port " + port));
	}

	private boolean healthy() {
		try {
			List<Integer> masters = serverPorts().stream().filter(this::isMaster).toList();
			if (masters.size() != 1 || !replicasInSync(masters.get(0))) {
				return false;
			}
			int master = masters.get(0);
			int replicas = serverPorts().size() - 1;
			for (Node sentinel : this.sentinels) {
				Map<String, String> view = fields(
						RedisTestCluster.call(sentinel.port, "SENTINEL", "MASTER", MASTER_NAME));
				if (Integer.parseInt(view.get("port")) != master || !view.get("flags").equals("master")
						|| Integer.parseInt(view.get("num-other-sentinels")) != this.sentinels.size() - 1) {
					return false;
				}
				long fit = ((List<?>) RedisTestCluster.call(sentinel.port, "SENTINEL", "REPLICAS", MASTER_NAME))
					.stream()
					.map(RedisTestSentinel::fields)
					.filter((replica) -> replica.get("flags").equals("slave")
							&& "ok".equals(replica.get("master-link-status"))
							&& Integer.parseInt(replica.get("master-port")) == master)
					.count();
				if (fit != replicas) {
					return false;
				}
			}
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	// Every running data server but the master replicates it, with its link up.
	private boolean replicasInSync(int master) {
		for (int port : serverPorts()) {
			if (port == master) {
				continue;
			}
			String replication = (String) RedisTestCluster.call(port, "INFO", "replication");
			if (!replication.contains("role:slave") || !replication.contains("master_port:" + master + "\r\n")
					|| !replication.contains("master_link_status:up")) {
				return false;
			}
		}
		return true;
	}

	private boolean isMaster(int port) {
		try {
			return ((String) RedisTestCluster.call(port, "INFO", "replication")).contains("role:master");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static int masterPort(int sentinelPort) {
		List<?> address = (List<?>) RedisTestCluster.call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME",
				MASTER_NAME);
		return Integer.parseInt((String) address.get(1));
	}

	// A reply of alternating names and values, as SENTINEL MASTER gives.
	private static Map<String, String> fields(Object reply) {
		List<?> list = (List<?>) reply;
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < list.size(); i += 2) {
			fields.put((String) list.get(i), (String) list.get(i + 1));
		}
		return fields;
	}

	private void awaitReady(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Gave up waiting " + TIMEOUT.toSeconds() + " s for " + what
						+ "; as the processes see it:\n" + describe());
			}
			Stream.concat(this.servers.stream(), this.sentinels.stream()).forEach(Node::checkAlive);
			pollInterval();
		}
	}

	private String describe() {
		StringBuilder text = new StringBuilder();
		for (Node server : this.servers) {
			text.append("server on port ").append(server.port).append(": ");
			text.append(server.isRunning() ? role(server.port) : "not running").append('\n');
		}
		for (Node sentinel : this.sentinels) {
			text.append("sentinel on port ").append(sentinel.port).append(": ");
			try {
				text.append(RedisTestCluster.call(sentinel.port, "SENTINEL", "MASTER", MASTER_NAME)).append("; ")
					.append(RedisTestCluster.call(sentinel.port, "SENTINEL", "REPLICAS", MASTER_NAME));
			}
			catch (RuntimeException ex) {
				text.append(ex.getMessage());
			}
			text.append('\n');
		}
		return text.toString();
	}

	private static String role(int port) {
		try {
			return ((String) RedisTestCluster.call(port, "INFO", "replication")).lines()
				.filter((line) -> line.startsWith("role:") || line.startsWith("master_port:")
						|| line.startsWith("master_link_status:"))
				.collect(Collectors.joining(" "));
		}
		catch (RuntimeException ex) {
			return ex.getMessage();
		}
	}

	private String logs() {
		StringBuilder text = new StringBuilder();
		for (Node node : this.servers) {
			text.append("--- log of the server on port ").append(node.port).append(":\n").append(node.log());
		}
		for (Node node : this.sentinels) {
			text.append("--- log of the sentinel on port ").append(node.port).append(":\n").append(node.log());
		}
		return text.toString();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Found no free port for a Redis process", ex);
		}
	}

	private static void pollInterval() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the sentinels", ex);
		}
	}

	/**
	 * One {@code redis-server} process, data server or sentinel, with a
	 * directory of its own.
	 */
	private static final class Node {

		private final int port;

		private final Path directory;

		private volatile Process process;

		private volatile boolean killed;

		Node(int port, String prefix) {
			this.port = port;
			try {
				this.directory = Files.createTempDirectory(prefix + port + "-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not create a directory for a Redis process", ex);
			}
		}

		void start(Path binary, List<String> command, boolean sentinel) {
			File log = this.directory.resolve("redis.log").toFile();
			try {
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
					.start();
				this.killed = false;
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not run " + binary + ": " + ex.getMessage(), ex);
			}
			Process started = this.process;
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
			String what = sentinel ? "Redis Sentinel" : "Redis";
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			while (System.nanoTime() - deadline < 0) {
				if (!started.isAlive()) {
					throw new IllegalStateException(what + " exited with " + started.exitValue() + " on port "
							+ this.port + ": " + log());
				}
				try {
					if ("PONG".equals(RedisTestCluster.call(this.port, "PING"))) {
						return;
					}
				}
				catch (RuntimeException ex) {
					// Not listening yet.
				}
				pollInterval();
			}
			throw new IllegalStateException(what + " did not answer on port " + this.port + " within 15 s: " + log());
		}

		boolean isRunning() {
			Process current = this.process;
			return current != null && !this.killed && current.isAlive();
		}

		// A process that dies by itself ends the wait at once, with its log.
		void checkAlive() {
			Process current = this.process;
			if (current != null && !this.killed && !current.isAlive()) {
				throw new IllegalStateException("Redis on port " + this.port + " exited with " + current.exitValue()
						+ ": " + log());
			}
		}

		String log() {
			return RedisTestServer.tail(this.directory.resolve("redis.log").toFile());
		}

		void kill() {
			this.killed = true;
			Process current = this.process;
			if (current != null) {
				current.destroyForcibly();
				try {
					current.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		void close() {
			kill();
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// Left in the temporary directory.
			}
		}

	}

}
