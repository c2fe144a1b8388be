package dev.ssereplay.benchmarks.load;

import java.nio.file.Path;
import java.util.Set;

import dev.ssereplay.benchmarks.server.Contender;

/**
 * A server as it is run: contender, JDK, and platform or virtual threads.
 *
 * @param jdk a label for the JDK, such as {@code 17}
 * @param javaHome the JDK's home
 * @param contender the contender
 * @param virtualThreads whether Spring's virtual threads are on
 * @param scenarios the scenarios to run against it
 */
public record Configuration(String jdk, Path javaHome, Contender contender, boolean virtualThreads,
		Set<Scenario> scenarios) {

	/**
	 * Returns the threads column of the results.
	 * @return {@code virtual} or {@code platform}
	 */
	public String threads() {
		return this.virtualThreads ? "virtual" : "platform";
	}

	/**
	 * Returns a name for logs.
	 * @return such as {@code jdk17-sse-replay-platform}
	 */
	public String name() {
		return "jdk" + this.jdk + "-" + this.contender.id() + "-" + threads();
	}

}
