package dev.ssereplay.store.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.junit.jupiter.api.Assumptions;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A private {@code redis-server} process for tests, on a free port of the
 * loopback interface, never the shared 6379: tests flush it, stop it and start it
 * again.
 * <p>
 * The binary is, in order: the one named by the system property
 * {@code sse.replay.test.redis-server} (a path, or {@code embedded}), a
 * {@code redis-server} of version 6.2 or later on the {@code PATH}, or the Linux
 * or macOS binary of Redis 6.2 shipped in the {@code embedded-redis} test
 * dependency. When none can be started the test fails with a message that says
 * so: Redis tests are never skipped.
 */
public final class RedisTestServer implements AutoCloseable {

	/** Names a binary, or {@code embedded} for the one shipped in a test dependency. */
	public static final String BINARY_PROPERTY = "sse.replay.test.redis-server";

	private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)");

	private static final long START_TIMEOUT_MILLIS = 15_000;

	private static volatile Path embedded;

	private final Path binary;

	private final boolean persistent;

	private final Path directory;

	private final int port;

	private Process process;

	private RedisTestServer(Path binary, boolean persistent) throws IOException {
		this.binary = binary;
		this.persistent = persistent;
		this.directory = Files.createTempDirectory("sse-replay-redis-");
		this.port = freePort();
	}

	/**
	 * Starts a server that keeps its data in memory only, as a cache would.
	 * @return the running server
	 */
	public static RedisTestServer start() {
		return start(false);
	}

	/**
	 * Starts a server that writes every command to an append-only file before it
	 * answers, so that data survives {@link #kill()} and {@link #startAgain()}.
	 * @return the running server
	 */
	public static RedisTestServer startPersistent() {
		return start(true);
	}

	private static RedisTestServer start(boolean persistent) {
		try {
			RedisTestServer server = new RedisTestServer(findBinary(), persistent);
			server.startAgain();
			System.out.println("Started " + server);
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a Redis server for the tests", ex);
		}
	}

	/**
	 * Returns the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the binary this server runs.
	 * @return the path of {@code redis-server}
	 */
	public Path binary() {
		return this.binary;
	}

	/**
	 * Creates a started Lettuce connection factory for this server. The caller
	 * destroys it.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Sends one command and returns the first line of the reply.
	 * @param arguments the command and its arguments
	 * @return for example {@code +OK} or {@code :1}
	 */
	public String command(String... arguments) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 2000);
			socket.setSoTimeout(10_000);
			StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
			for (String argument : arguments) {
				request.append('$').append(argument.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
					.append(argument).append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\r') {
				line.append((char) c);
			}
			return line.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis on port " + this.port + " did not answer " + arguments[0], ex);
		}
	}

	/**
	 * Removes every key.
	 */
	public void flushAll() {
		String reply = command("FLUSHALL");
		if (!reply.equals("+OK")) {
			throw new IllegalStateException("FLUSHALL answered " + reply);
		}
	}

	/**
	 * Kills the server as a crash would, without letting it save anything.
	 */
	public synchronized void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	/**
	 * Starts the server again on the same port and data directory, and waits until
	 * it answers.
	 */
	public synchronized void startAgain() {
		if (this.process != null) {
			throw new IllegalStateException("Redis on port " + this.port + " is running");
		}
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "--port", Integer.toString(this.port),
				"--bind", "127.0.0.1", "--protected-mode", "no", "--daemonize", "no", "--save", "", "--dir",
				this.directory.toString(), "--appendonly", this.persistent ? "yes" : "no", "--appendfsync", "always"));
		File log = this.directory.resolve("redis.log").toFile();
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + this.binary + ": " + ex.getMessage()
					+ "; set -D" + BINARY_PROPERTY + " to a redis-server of version 6.2 or later", ex);
		}
		Process started = this.process;
		Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
		long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
		while (System.currentTimeMillis() < deadline) {
			if (!started.isAlive()) {
				throw new IllegalStateException("Redis (" + this.binary + ") exited with " + started.exitValue()
						+ " on port " + this.port + ": " + tail(log));
			}
			try {
				if (command("PING").equals("+PONG")) {
					return;
				}
			}
			catch (UncheckedIOException ex) {
				// Not listening yet.
			}
			sleep(20);
		}
		throw new IllegalStateException("Redis (" + this.binary + ") did not answer on port " + this.port + " within "
				+ START_TIMEOUT_MILLIS + " ms: " + tail(log));
	}

	/**
	 * Kills the server and deletes its data.
	 */
	@Override
	public void close() {
		kill();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// Left in the temporary directory.
		}
	}

	@Override
	public String toString() {
		return "Redis on port " + this.port + " (" + this.binary + ")";
	}

	/**
	 * Whether the tests' {@code redis-server} has sharded pub/sub: Redis 7.0 or
	 * later.
	 */
	public static boolean shardedPubSubSupported() {
		try {
			int[] version = version(findBinary());
			return version != null && version[0] >= 7;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Stops a test that needs sharded pub/sub when the tests' {@code redis-server}
	 * is older than 7.0 (the one shipped in a test dependency is 6.2): it is
	 * skipped with a warning on the console, or, when the environment variable
	 * {@code CI} is set, fails.
	 */
	public static void assumeShardedPubSub() {
		if (shardedPubSubSupported()) {
			return;
		}
		String message = "Sharded pub/sub needs Redis 7.0 or later, which the tests' redis-server is not: put a "
				+ "redis-server 7 on the PATH (Debian: apt-get install redis-server) or name it with -D"
				+ BINARY_PROPERTY;
		if (System.getenv("CI") != null) {
			throw new AssertionError(message);
		}
		System.err.println("WARNING: a test did not run. " + message);
		Assumptions.abort(message);
	}

	/**
	 * Returns the {@code redis-server} binary the tests run, found as the class
	 * javadoc says.
	 */
	static Path findBinary() throws IOException {
		String configured = System.getProperty(BINARY_PROPERTY);
		if (configured != null && !configured.isBlank()) {
			return configured.equals("embedded") ? embedded() : Path.of(configured);
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, "redis-server");
				if (Files.isExecutable(candidate) && supportsStreams(candidate)) {
					return candidate;
				}
			}
		}
		return embedded();
	}

	// Exclusive XRANGE bounds and XTRIM MINID need Redis 6.2.
	private static boolean supportsStreams(Path candidate) {
		int[] version = version(candidate);
		return version != null && (version[0] > 6 || (version[0] == 6 && version[1] >= 2));
	}

	// The major and minor version a redis-server binary prints, or null.
	private static int[] version(Path candidate) {
		try {
			Process process = new ProcessBuilder(candidate.toString(), "--version").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(10, TimeUnit.SECONDS);
			Matcher version = VERSION.matcher(output);
			if (!version.find()) {
				return null;
			}
			return new int[] { Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2)) };
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static synchronized Path embedded() throws IOException {
		if (embedded != null) {
			return embedded;
		}
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.equals("aarch64") || arch.equals("arm64");
		String resource;
		if (os.contains("linux")) {
			resource = arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
		}
		else if (os.contains("mac")) {
			resource = arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
		}
		else {
			throw new IllegalStateException("No redis-server of version 6.2 or later on the PATH, and none shipped for "
					+ os + "/" + arch + "; set -D" + BINARY_PROPERTY + " to one");
		}
		try (InputStream in = RedisTestServer.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server of version 6.2 or later on the PATH, and " + resource
						+ " is not on the class path (test dependency com.github.codemonstur:embedded-redis); set -D"
						+ BINARY_PROPERTY + " to a redis-server");
			}
			Path file = Files.createTempDirectory("sse-replay-redis-bin-").resolve("redis-server");
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
			if (!file.toFile().setExecutable(true)) {
				throw new IllegalStateException("Could not make " + file + " executable");
			}
			file.toFile().deleteOnExit();
			file.getParent().toFile().deleteOnExit();
			embedded = file;
			return file;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	static String tail(File log) {
		try {
			String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
			return text.substring(Math.max(0, text.length() - 2000));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Redis", ex);
		}
	}

}
