package dev.ssereplay.benchmarks.server;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every server reports on its admin endpoints, as small JSON documents, so
 * that the load generator reads the same numbers from each, whatever its
 * framework.
 */
public final class AdminStats {

	private AdminStats() {
	}

	/**
	 * Describes the running server.
	 * @param contender the contender id
	 * @param server the class of the web server that answers, which shows that a
	 * contender really runs on the server it is meant to
	 * @param virtualThreads whether virtual threads were asked for
	 * @return a JSON object
	 */
	public static String info(String contender, String server, boolean virtualThreads) {
		return "{\"contender\":\"" + contender + "\",\"server\":\"" + server + "\",\"java\":\""
				+ System.getProperty("java.version") + "\",\"virtualThreads\":" + virtualThreads
				+ ",\"requestThread\":\"" + Thread.currentThread().getClass().getSimpleName() + "\",\"pid\":"
				+ ProcessHandle.current().pid() + ",\"processors\":" + Runtime.getRuntime().availableProcessors()
				+ "}";
	}

	/**
	 * Collects garbage and reports the memory the process holds. With G1 (the
	 * default) and without {@code -XX:+ExplicitGCInvokesConcurrent},
	 * {@code System.gc()} is a full, stop-the-world collection, so the heap in use
	 * afterwards is what is reachable.
	 * @return a JSON object with the heap in use after a full GC, the resident set,
	 * direct buffers, open file descriptors and threads
	 */
	public static String heap() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		long direct = 0;
		List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
		for (BufferPoolMXBean pool : pools) {
			if ("direct".equals(pool.getName())) {
				direct = pool.getMemoryUsed();
			}
		}
		return "{\"heapUsed\":" + heap + ",\"rss\":" + residentSetBytes() + ",\"direct\":" + direct + ",\"fds\":"
				+ openFileDescriptors() + ",\"threads\":" + ManagementFactory.getThreadMXBean().getThreadCount()
				+ "}";
	}

	private static long residentSetBytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux: the number is simply not reported.
		}
		return -1;
	}

	private static int openFileDescriptors() {
		int count = 0;
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
			for (Path ignored : fds) {
				count++;
			}
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
		return count;
	}

}
