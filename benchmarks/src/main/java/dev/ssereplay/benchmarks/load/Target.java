package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test: where it listens, its process (for CPU time) and its
 * admin endpoints.
 *
 * @param address where it listens
 * @param pid its process id, whose CPU time is read from {@code /proc}
 * @param javaHome the Java home it runs on, or {@code null} when it runs in this
 * process
 */
record Target(InetSocketAddress address, long pid, Path javaHome) {

	/** Linux's clock ticks per second for {@code /proc/<pid>/stat}. */
	private static final double TICKS_PER_SECOND = 100.0;

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	/**
	 * Returns the CPU time the process has used, user and system.
	 * @return seconds, or {@code NaN} when it cannot be read
	 */
	double cpuSeconds() {
		try {
			return ticks(Files.readString(Path.of("/proc/" + this.pid + "/stat")));
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	/**
	 * Returns the CPU time the JIT compiler threads of the process have used: the
	 * part of {@link #cpuSeconds()} that is warm-up, not work.
	 * @return seconds, or {@code NaN} when it cannot be read
	 */
	double compilerCpuSeconds() {
		double seconds = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + this.pid + "/task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).trim();
					if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
						seconds += ticks(Files.readString(task.resolve("stat")));
					}
				}
				catch (IOException ex) {
					// The thread ended meanwhile.
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
		return seconds;
	}

	/**
	 * Lets the process run on the given CPUs, all its threads.
	 * @param cpus a CPU list for taskset, such as {@code 0} or {@code 0,1}
	 */
	void pin(String cpus) throws IOException, InterruptedException {
		Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(this.pid))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!taskset.waitFor(30, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
			throw new IOException("taskset could not pin process " + this.pid + " to CPUs " + cpus);
		}
	}

	private static double ticks(String stat) {
		// The command name may hold spaces; fields are counted after its ')'.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
	}

	/**
	 * Returns the number of write system calls the process has made (all of them,
	 * sockets included), from {@code /proc/<pid>/io}.
	 * @return the count, or {@code NaN} when it cannot be read
	 */
	double writeCalls() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + this.pid + "/io"))) {
				if (line.startsWith("syscw:")) {
					return Double.parseDouble(line.substring(6).trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Reported as unknown.
		}
		return Double.NaN;
	}

	/**
	 * Returns the bytes of live objects on the heap, from a class histogram, which
	 * collects garbage first: exact, unlike the heap in use that a running
	 * application reports, which also counts what its threads allocated since.
	 * @return bytes
	 */
	double liveHeapBytes() throws IOException, InterruptedException {
		Process jcmd = new ProcessBuilder(this.javaHome.resolve("bin/jcmd").toString(), Long.toString(this.pid),
				"GC.class_histogram")
			.redirectErrorStream(true)
			.start();
		String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!jcmd.waitFor(120, TimeUnit.SECONDS)) {
			jcmd.destroyForcibly();
			throw new IOException("jcmd GC.class_histogram did not finish");
		}
		Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(output);
		if (!total.find()) {
			throw new IOException("No total in jcmd's class histogram: " + output.lines().findFirst().orElse(""));
		}
		return Double.parseDouble(total.group(1));
	}

	/**
	 * Calls an admin endpoint.
	 * @param path such as {@code /admin/heap}
	 * @return the JSON answer
	 */
	String admin(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://" + this.address.getHostString() + ":" + this.address.getPort() + path))
			.timeout(Duration.ofSeconds(60))
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException(path + " answered " + response.statusCode());
		}
		return response.body();
	}

	/**
	 * Calls an admin endpoint that does something: a {@code POST} without a body.
	 * @param path such as {@code /admin/tokens?streams=10}
	 * @return the answer
	 */
	String post(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://" + this.address.getHostString() + ":" + this.address.getPort() + path))
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			int query = path.indexOf('?');
			throw new IOException("POST " + ((query >= 0) ? path.substring(0, query) : path) + " answered "
					+ response.statusCode());
		}
		return response.body();
	}

	/**
	 * Returns the number of sockets the process holds open, from
	 * {@code /proc/<pid>/fd}: its connections, its listening sockets and a few
	 * more. It drops as the server lets go of connections whose clients left.
	 * @return the count, or -1 when it cannot be read
	 */
	int openSockets() {
		int count = 0;
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + this.pid + "/fd"))) {
			for (Path fd : fds) {
				try {
					if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
						count++;
					}
				}
				catch (IOException ex) {
					// Closed meanwhile.
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
		return count;
	}

	/**
	 * Reads a number from a flat JSON object.
	 * @param json the object
	 * @param name the field
	 * @return the value, or {@code NaN} when absent
	 */
	static double number(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":(-?[0-9.]+)").matcher(json);
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
	}

	/**
	 * Reads a string from a flat JSON object.
	 * @param json the object
	 * @param name the field
	 * @return the value, or {@code null} when absent
	 */
	static String text(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
		return matcher.find() ? matcher.group(1) : null;
	}

}
