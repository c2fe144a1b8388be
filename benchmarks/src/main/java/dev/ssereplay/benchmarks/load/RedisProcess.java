package dev.ssereplay.benchmarks.load;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} the harness starts for the contenders that keep their
 * history in Redis: on a free port of the loopback interface, never a shared
 * 6379, with nothing persisted ({@code --save "" --appendonly no}), and, in a
 * benchmark run, pinned to the server's CPUs, so that the server and its store
 * share the CPU every other contender has alone.
 */
final class RedisProcess implements AutoCloseable {

	private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

	private final Path binary;

	private final Process process;

	private final Target target;

	private final Thread shutdownHook;

	private RedisProcess(Path binary, Process process, int port) {
		this.binary = binary;
		this.process = process;
		this.target = new Target(new InetSocketAddress("127.0.0.1", port), process.pid(), null);
		this.shutdownHook = new Thread(process::destroyForcibly, "redis-server-" + port);
	}

	/**
	 * Starts a Redis server and waits until it answers.
	 * @param binary the {@code redis-server} to run, or {@code null} for the one on
	 * the {@code PATH}
	 * @param cpus the CPUs to pin it to with taskset, or {@code null}
	 * @param log where its output goes
	 * @return the running server
	 */
	static RedisProcess start(Path binary, String cpus, Path log) throws IOException, InterruptedException {
		Path redis = binary(binary);
		int port = freePort();
		List<String> command = new ArrayList<>();
		if (cpus != null) {
			command.addAll(List.of("taskset", "-c", cpus));
		}
		command.addAll(List.of(redis.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--protected-mode", "no", "--daemonize", "no", "--save", "", "--appendonly", "no"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		RedisProcess server = new RedisProcess(redis, process, port);
		Runtime.getRuntime().addShutdownHook(server.shutdownHook);
		long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
		try {
			while (true) {
				IOException failure = null;
				try {
					if (server.command("PING").equals("+PONG")) {
						return server;
					}
				}
				catch (IOException ex) {
					failure = ex;
				}
				if (!process.isAlive() || System.nanoTime() > deadline) {
					throw new IOException(redis + " did not start on port " + port + "; see " + log, failure);
				}
				Thread.sleep(20);
			}
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	/**
	 * Returns the server as a target: its address, and its process for CPU time
	 * and pinning.
	 * @return the target
	 */
	Target target() {
		return this.target;
	}

	/**
	 * Returns the port it listens on.
	 * @return the port
	 */
	int port() {
		return this.target.address().getPort();
	}

	/**
	 * Returns the application arguments that point Spring Data Redis at this
	 * server.
	 * @return such as {@code --spring.data.redis.port=41234}
	 */
	List<String> springArguments() {
		return List.of("--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + port());
	}

	/**
	 * Removes every key, so that what one scenario left does not weigh on the
	 * next: the store's housekeeping scans every stream, and Redis's memory grows
	 * with them.
	 */
	void flushAll() throws IOException {
		String reply = command("FLUSHALL");
		if (!reply.equals("+OK")) {
			throw new IOException("FLUSHALL answered " + reply);
		}
	}

	/**
	 * Returns the version this server reports.
	 * @return such as {@code 7.0.15}
	 */
	String version() {
		try {
			String info = command("INFO", "server");
			int start = info.indexOf("redis_version:");
			if (start >= 0) {
				int end = info.indexOf('\r', start);
				return info.substring(start + "redis_version:".length(), (end > 0) ? end : info.length());
			}
		}
		catch (IOException ex) {
			// Reported as unknown.
		}
		return "unknown";
	}

	// One command on a connection of its own; returns the first line of a simple
	// reply, or the whole body of a bulk string.
	private String command(String... arguments) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(this.target.address(), 2000);
			socket.setSoTimeout(30_000);
			StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
			for (String argument : arguments) {
				request.append('$')
					.append(argument.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(argument)
					.append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			String line = line(in);
			if (line.startsWith("$")) {
				int length = Integer.parseInt(line.substring(1));
				return (length < 0) ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
			}
			return line;
		}
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\r') {
			line.append((char) c);
		}
		if (c == -1) {
			throw new IOException("Redis closed the connection");
		}
		in.read();
		return line.toString();
	}

	/**
	 * Stops the server; nothing of it is kept.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down, and the hook stops the server anyway.
		}
	}

	@Override
	public String toString() {
		return this.binary + " on port " + port();
	}

	/**
	 * Returns the {@code redis-server} that {@link #start} runs.
	 * @param binary the one named on the command line, or {@code null}
	 * @return that one, or the one on the {@code PATH}
	 * @throws IOException when it is not an executable file
	 */
	static Path binary(Path binary) throws IOException {
		if (binary != null) {
			if (!Files.isExecutable(binary)) {
				throw new IOException(binary + " is not an executable redis-server; name one with --redis-server=PATH");
			}
			return binary;
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, "redis-server");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		throw new IOException("No redis-server on the PATH; name one with --redis-server=PATH");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

}
