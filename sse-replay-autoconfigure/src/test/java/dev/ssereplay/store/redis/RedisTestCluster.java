package dev.ssereplay.store.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A private Redis Cluster for tests: masters with replicas, each a
 * {@code redis-server} process (the binary {@link RedisTestServer} finds) on a
 * free loopback port whose cluster bus port (the port plus 10000) is free too.
 * The nodes are joined the way {@code redis-cli --cluster create} would, but
 * over plain RESP on a socket, since CI has no {@code redis-cli}: each node gets
 * its own config epoch, meets the first, the masters take the 16384 slots in
 * batches of {@code CLUSTER ADDSLOTS} (Redis 6.2 has no {@code ADDSLOTSRANGE}),
 * and each replica replicates its master. {@link #start} returns once every node
 * says {@code cluster_state:ok}, knows every other node and every replica's
 * link to its master is up; when that does not happen in time the test fails
 * with the nodes' logs: cluster tests are never skipped.
 */
final class RedisTestCluster implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	// Longer than the five seconds a manual failover waits for the replica.
	private static final Duration MANUAL_FAILOVER_RETRY = Duration.ofSeconds(8);

	private static final int SLOTS = 16384;

	private static final int ADDSLOTS_BATCH = 1024;

	// Long enough that a loaded CI machine does not make a node look failed, which
	// would fail over a live master; short enough that a killed master is replaced
	// within seconds.
	private static final int NODE_TIMEOUT_MILLIS = 5000;

	private final Path binary;

	private final List<Node> nodes = new ArrayList<>();

	private final List<LettuceConnectionFactory> connectionFactories = new ArrayList<>();

	private RedisTestCluster(Path binary) {
		this.binary = binary;
	}

	/**
	 * Starts a cluster and waits until it is ready.
	 * @param masters how many masters share the slots, at least 3
	 * @param replicasPerMaster how many replicas each master has
	 * @return the running cluster
	 */
	static RedisTestCluster start(int masters, int replicasPerMaster) {
		RedisTestCluster cluster;
		try {
			cluster = new RedisTestCluster(RedisTestServer.findBinary());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a redis-server for the test cluster", ex);
		}
		long start = System.nanoTime();
		try {
			for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
				cluster.nodes.add(cluster.startNode(i < masters));
			}
			cluster.join(masters, replicasPerMaster);
		}
		catch (RuntimeException | Error ex) {
			String logs = cluster.logs();
			cluster.close();
			throw new IllegalStateException("Could not start a Redis Cluster of " + masters + " masters with "
					+ replicasPerMaster + " replica(s) each from " + cluster.binary + ": " + ex.getMessage()
					+ "\n" + logs, ex);
		}
		System.out.println("Started " + cluster + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
				+ " ms");
		return cluster;
	}

	/**
	 * Returns the value of {@code spring.data.redis.cluster.nodes} for this
	 * cluster: every node, masters first.
	 */
	String nodesProperty() {
		return this.nodes.stream().map((node) -> "127.0.0.1:" + node.port).collect(Collectors.joining(","));
	}

	/**
	 * Returns the ports of every node that runs, masters and replicas.
	 */
	List<Integer> ports() {
		return this.nodes.stream().filter(Node::isRunning).map((node) -> node.port).toList();
	}

	/**
	 * Returns the ports of the nodes that are masters now, by their first slot.
	 */
	List<Integer> masterPorts() {
		return view().stream()
			.filter((entry) -> entry.master() && !entry.failed() && !entry.slots().isEmpty())
			.sorted(Comparator.comparingInt((ClusterNode entry) -> entry.slots().get(0)))
			.map(ClusterNode::port)
			.toList();
	}

	/**
	 * Creates a started connection factory that knows every node, and refreshes
	 * its view of the cluster when it is redirected or loses a node, as an
	 * application configured for a failover would. Destroyed by {@link #close()}.
	 */
	LettuceConnectionFactory connectionFactory() {
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(
				this.nodes.stream().map((node) -> "127.0.0.1:" + node.port).toList());
		// Lettuce refreshes on redirects and lost nodes by default; sooner here.
		ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
			.adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build())
			.commandTimeout(Duration.ofSeconds(10))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration, client);
		factory.afterPropertiesSet();
		factory.start();
		synchronized (this.connectionFactories) {
			this.connectionFactories.add(factory);
		}
		return factory;
	}

	/**
	 * Returns the port of the master that holds a key now, as the cluster itself
	 * answers: {@code CLUSTER KEYSLOT}, then the owner of that slot in
	 * {@code CLUSTER NODES}.
	 */
	int masterOf(String key) {
		long slot = (Long) call(anyLivePort(), "CLUSTER", "KEYSLOT", key);
		for (ClusterNode entry : view()) {
			if (entry.master() && !entry.failed() && entry.owns((int) slot)) {
				return entry.port();
			}
		}
		throw new IllegalStateException("No master owns slot " + slot + " of key " + key + ": " + view());
	}

	/**
	 * Removes every key from every master; their replicas follow.
	 */
	void flushAll() {
		for (int port : masterPorts()) {
			Object reply = call(port, "FLUSHALL");
			if (!"OK".equals(reply)) {
				throw new IllegalStateException("FLUSHALL on port " + port + " answered " + reply);
			}
		}
	}

	/**
	 * Makes a replica of a master take over from it, as an operator does before
	 * maintenance ({@code CLUSTER FAILOVER} on the replica, which waits for it to
	 * have every write first), and waits until every node agrees.
	 * @return the port of the new master
	 */
	int failover(int masterPort) {
		ClusterNode master = node(masterPort);
		// The nodes' view can lag behind an earlier failover or kill: wait for the
		// replica to be known rather than take the first answer.
		ClusterNode replica = null;
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (replica == null) {
			replica = view().stream()
				.filter((entry) -> master.id().equals(entry.masterId()) && !entry.failed())
				.findFirst()
				.orElse(null);
			if (replica == null) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("Master on port " + masterPort + " has no replica; cluster as "
							+ "seen by its nodes:\n" + describe());
				}
				pollInterval();
			}
		}
		int replicaPort = replica.port();
		// A manual failover gives up silently when the replica has not caught up
		// with its master within five seconds, which a loaded machine can miss
		// while the master takes writes: ask again, as an operator would.
		long[] asked = { System.nanoTime() - MANUAL_FAILOVER_RETRY.toNanos() - 1 };
		awaitReady("the replica on port " + replicaPort + " to take over from port " + masterPort, () -> {
			if (masterPorts().contains(replicaPort) && !masterPorts().contains(masterPort)) {
				return true;
			}
			if (System.nanoTime() - asked[0] > MANUAL_FAILOVER_RETRY.toNanos() && replicaLinkUp(replicaPort)) {
				Object reply = call(replicaPort, "CLUSTER", "FAILOVER");
				if (!"OK".equals(reply)) {
					throw new IllegalStateException("CLUSTER FAILOVER on port " + replicaPort + " answered " + reply);
				}
				asked[0] = System.nanoTime();
			}
			return false;
		});
		return replicaPort;
	}

	private static boolean replicaLinkUp(int port) {
		Object info = call(port, "INFO", "replication");
		return (info instanceof String text) && text.contains("master_link_status:up");
	}

	/**
	 * Kills a node as a crash would.
	 */
	void kill(int port) {
		for (Node node : this.nodes) {
			if (node.port == port) {
				node.kill();
				return;
			}
		}
		throw new IllegalArgumentException("No node on port " + port);
	}

	/**
	 * Waits until every node that runs says {@code cluster_state:ok} and agrees on
	 * the masters, as after a master was killed and its replica took over.
	 */
	void awaitHealthy(String what) {
		awaitReady(what, this::healthy);
	}

	/**
	 * Sums a {@code CLUSTER INFO} counter over every node that runs, such as the
	 * messages the nodes sent each other on the cluster bus.
	 */
	long busMessages(String counter) {
		long sum = 0;
		for (int port : ports()) {
			for (String line : ((String) call(port, "CLUSTER", "INFO")).split("\\r?\\n")) {
				if (line.startsWith(counter + ":")) {
					sum += Long.parseLong(line.substring(counter.length() + 1).trim());
				}
			}
		}
		return sum;
	}

	/**
	 * Returns how many connections subscribe to a shard channel on one node.
	 */
	static long shardSubscribers(int port, String channel) {
		List<?> reply = (List<?>) call(port, "PUBSUB", "SHARDNUMSUB", channel);
		return (Long) reply.get(1);
	}

	/**
	 * Sends one command to one node and returns the reply: a {@link String} for
	 * a status or bulk reply, a {@link Long}, a {@link List}, or {@code null}.
	 * @throws IllegalStateException when the node answers an error
	 */
	static Object call(int port, String... arguments) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(10_000);
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			request.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.UTF_8));
			for (String argument : arguments) {
				byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
				request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
				request.writeBytes(bytes);
				request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
			}
			OutputStream out = socket.getOutputStream();
			request.writeTo(out);
			out.flush();
			return read(new BufferedInputStream(socket.getInputStream()), port, arguments[0]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis on port " + port + " did not answer " + String.join(" ", arguments),
					ex);
		}
	}

	/**
	 * Kills every node, deletes their data and destroys the connection factories
	 * made by {@link #connectionFactory()}. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this.connectionFactories) {
			for (LettuceConnectionFactory factory : this.connectionFactories) {
				try {
					factory.destroy();
				}
				catch (RuntimeException ex) {
					// Closing anyway.
				}
			}
			this.connectionFactories.clear();
		}
		for (Node node : this.nodes) {
			node.close();
		}
	}

	@Override
	public String toString() {
		return "Redis Cluster on ports " + this.nodes.stream().map((node) -> Integer.toString(node.port))
			.collect(Collectors.joining(",")) + " (" + this.binary + ")";
	}

	private Node startNode(boolean master) {
		IllegalStateException last = null;
		// A free port can be taken by another process before the node binds it: try
		// a few.
		for (int attempt = 0; attempt < 5; attempt++) {
			int port = freePortWithFreeBusPort();
			Node node = new Node(port);
			try {
				node.start(this.binary);
				return node;
			}
			catch (IllegalStateException ex) {
				node.close();
				last = ex;
			}
		}
		throw last;
	}

	private void join(int masters, int replicasPerMaster) {
		// Distinct config epochs up front spare the cluster resolving collisions.
		for (int i = 0; i < this.nodes.size(); i++) {
			Node node = this.nodes.get(i);
			node.id = (String) call(node.port, "CLUSTER", "MYID");
			call(node.port, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
		}
		Node first = this.nodes.get(0);
		for (Node node : this.nodes.subList(1, this.nodes.size())) {
			call(first.port, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port));
		}
		for (int m = 0; m < masters; m++) {
			int from = m * SLOTS / masters;
			int to = (m + 1) * SLOTS / masters;
			for (int start = from; start < to; start += ADDSLOTS_BATCH) {
				List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
				for (int slot = start; slot < Math.min(to, start + ADDSLOTS_BATCH); slot++) {
					command.add(Integer.toString(slot));
				}
				call(this.nodes.get(m).port, command.toArray(String[]::new));
			}
		}
		// A replica can only follow a master it knows.
		awaitReady("every node to know the others", () -> this.nodes.stream()
			.allMatch((node) -> knownNodes(node.port) == this.nodes.size()));
		for (int r = 0; r < masters * replicasPerMaster; r++) {
			Node replica = this.nodes.get(masters + r);
			Node master = this.nodes.get(r % masters);
			call(replica.port, "CLUSTER", "REPLICATE", master.id);
		}
		awaitReady("every node to say cluster_state:ok and every replica to have synced", this::healthy);
	}

	// Every running node is ok, knows the masters and, when a replica, is in sync.
	private boolean healthy() {
		int runningMasters = 0;
		for (Node node : this.nodes) {
			if (!node.isRunning()) {
				continue;
			}
			try {
				String info = (String) call(node.port, "CLUSTER", "INFO");
				if (!info.contains("cluster_state:ok")) {
					return false;
				}
				String replication = (String) call(node.port, "INFO", "replication");
				if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
					return false;
				}
				if (replication.contains("role:master")) {
					runningMasters++;
				}
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		// Every node sees the same running masters, and those own every slot.
		List<Integer> masters = masterPorts();
		if (masters.size() != runningMasters) {
			return false;
		}
		for (Node node : this.nodes) {
			if (node.isRunning() && !masters.equals(masterPorts(node.port))) {
				return false;
			}
		}
		return true;
	}

	private long knownNodes(int port) {
		String nodes = (String) call(port, "CLUSTER", "NODES");
		return nodes.lines().filter((line) -> !line.isBlank() && !line.contains("handshake")).count();
	}

	private ClusterNode node(int port) {
		return view().stream()
			.filter((entry) -> entry.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node on port " + port + " in " + view()));
	}

	private List<ClusterNode> view() {
		return view(anyLivePort());
	}

	private List<ClusterNode> view(int port) {
		String nodes = (String) call(port, "CLUSTER", "NODES");
		return nodes.lines().filter((line) -> !line.isBlank()).map(ClusterNode::parse).toList();
	}

	private List<Integer> masterPorts(int port) {
		return view(port).stream()
			.filter((entry) -> entry.master() && !entry.failed() && !entry.slots().isEmpty())
			.sorted(Comparator.comparingInt((ClusterNode entry) -> entry.slots().get(0)))
			.map(ClusterNode::port)
			.toList();
	}

	private int anyLivePort() {
		for (Node node : this.nodes) {
			if (node.isRunning()) {
				return node.port;
			}
		}
		throw new IllegalStateException("No node of the cluster runs");
	}

	private void awaitReady(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Gave up waiting " + START_TIMEOUT.toSeconds() + " s for " + what
						+ "; cluster as seen by its nodes:\n" + describe());
			}
			for (Node node : this.nodes) {
				node.checkAlive();
			}
			pollInterval();
		}
	}

	private String describe() {
		StringBuilder text = new StringBuilder();
		for (Node node : this.nodes) {
			text.append("port ").append(node.port).append(": ");
			try {
				text.append(node.isRunning() ? call(node.port, "CLUSTER", "NODES") : "not running\n");
			}
			catch (RuntimeException ex) {
				text.append(ex.getMessage()).append('\n');
			}
		}
		return text.toString();
	}

	private String logs() {
		StringBuilder text = new StringBuilder();
		for (Node node : this.nodes) {
			text.append("--- log of port ").append(node.port).append(":\n")
				.append(RedisTestServer.tail(node.directory.resolve("redis.log").toFile()));
		}
		return text.toString();
	}

	private static Object read(InputStream in, int port, String command) throws IOException {
		int type = in.read();
		String line = line(in);
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new IllegalStateException("Redis on port " + port + " answered " + command + " with " + line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length);
				line(in);
				return new String(bytes, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(read(in, port, command));
				}
				return items;
			}
			default:
				throw new IOException("Redis on port " + port + " answered " + command + " with '" + (char) type
						+ line + "'");
		}
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != '\r') {
			if (c == -1) {
				throw new IOException("Connection closed in the middle of a reply");
			}
			line.append((char) c);
		}
		in.read();
		return line.toString();
	}

	// A port whose cluster bus port, 10000 above it, is free too and below 65536.
	private static int freePortWithFreeBusPort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20000, 45000);
			if (free(port) && free(port + 10000)) {
				return port;
			}
		}
		throw new IllegalStateException("Found no free pair of ports (a port and the port + 10000) for a node");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void pollInterval() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the cluster", ex);
		}
	}

	/**
	 * One line of {@code CLUSTER NODES}.
	 */
	record ClusterNode(String id, int port, boolean master, boolean failed, String masterId, List<Integer> slots) {

		static ClusterNode parse(String line) {
			String[] fields = line.split(" ");
			String address = fields[1];
			int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, address.indexOf('@')));
			List<String> flags = List.of(fields[2].split(","));
			List<Integer> slots = new ArrayList<>();
			for (int i = 8; i < fields.length; i++) {
				String range = fields[i];
				if (range.startsWith("[")) {
					// A slot being migrated.
					continue;
				}
				int dash = range.indexOf('-');
				int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
				int to = (dash < 0) ? from : Integer.parseInt(range.substring(dash + 1));
				for (int slot = from; slot <= to; slot++) {
					slots.add(slot);
				}
			}
			return new ClusterNode(fields[0], port, flags.contains("master"),
					flags.contains("fail") || flags.contains("fail?") || flags.contains("noaddr"), fields[3], slots);
		}

		boolean owns(int slot) {
			return this.slots.contains(slot);
		}

	}

	/**
	 * One {@code redis-server} process of the cluster, with a data directory of
	 * its own.
	 */
	private static final class Node {

		private final int port;

		private final Path directory;

		private volatile Process process;

		private volatile boolean killed;

		private String id;

		Node(int port) {
			this.port = port;
			try {
				this.directory = Files.createTempDirectory("sse-replay-cluster-" + port + "-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not create a directory for a cluster node", ex);
			}
		}

		void start(Path binary) {
			List<String> command = List.of(binary.toString(), "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--protected-mode", "no", "--daemonize", "no", "--save", "", "--appendonly", "no",
					// A replica syncs at once, rather than after the default 5 s wait for others.
					"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
					"--dir", this.directory.toString(), "--cluster-enabled", "yes", "--cluster-config-file",
					this.directory.resolve("nodes.conf").toString(), "--cluster-node-timeout",
					Integer.toString(NODE_TIMEOUT_MILLIS));
			File log = this.directory.resolve("redis.log").toFile();
			try {
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
					.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not run " + binary + ": " + ex.getMessage(), ex);
			}
			Process started = this.process;
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			while (System.nanoTime() - deadline < 0) {
				if (!started.isAlive()) {
					throw new IllegalStateException("Redis exited with " + started.exitValue() + " on port "
							+ this.port + ": " + RedisTestServer.tail(log));
				}
				try {
					if ("PONG".equals(call(this.port, "PING"))) {
						return;
					}
				}
				catch (RuntimeException ex) {
					// Not listening yet.
				}
				pollInterval();
			}
			throw new IllegalStateException("Redis did not answer on port " + this.port + " within 15 s: "
					+ RedisTestServer.tail(log));
		}

		boolean isRunning() {
			Process current = this.process;
			return current != null && !this.killed && current.isAlive();
		}

		// A node that dies by itself ends the wait at once, with its log.
		void checkAlive() {
			Process current = this.process;
			if (current != null && !this.killed && !current.isAlive()) {
				throw new IllegalStateException("Redis on port " + this.port + " exited with " + current.exitValue()
						+ ": " + RedisTestServer.tail(this.directory.resolve("redis.log").toFile()));
			}
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
