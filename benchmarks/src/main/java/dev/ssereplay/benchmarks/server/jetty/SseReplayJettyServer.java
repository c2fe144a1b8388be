package dev.ssereplay.benchmarks.server.jetty;

import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.ssereplay.benchmarks.server.AdminController;
import dev.ssereplay.benchmarks.server.ServerHandle;
import dev.ssereplay.benchmarks.server.SpringServers;
import dev.ssereplay.benchmarks.server.replay.SseReplayServer;

/**
 * sse-replay on Spring MVC and Jetty, with the same controller as
 * {@link SseReplayServer}: what an application gets by replacing
 * {@code spring-boot-starter-tomcat} with {@code spring-boot-starter-jetty}.
 */
@SpringBootApplication(proxyBeanMethods = false)
@Import({ AdminController.class, SseReplayServer.Streams.class, SseReplayServer.Generators.class })
public final class SseReplayJettyServer {

	/**
	 * The settings of the tuned variant, measured in BENCHMARKS.md: the README's
	 * profile for many idle connections on Jetty. Every write goes to the network
	 * at once instead of into the response's output buffer, which a response keeps
	 * until it ends (32 KB of direct memory for each open stream by default), and
	 * the listen backlog holds a reconnect storm (the JDK asks for 50 by default).
	 */
	public static final List<String> TUNED_ARGUMENTS = List.of("--sse.replay.jetty.response-aggregation=0",
			"--sse.replay.jetty.accept-queue-size=2048");

	/**
	 * Starts the server.
	 * @param args Spring Boot command line arguments
	 */
	public static void main(String[] args) {
		start(args);
	}

	/**
	 * Starts the server in this process.
	 * @param args Spring Boot command line arguments
	 * @return the running server
	 */
	public static ServerHandle start(String... args) {
		return SpringServers.start(SseReplayJettyServer.class, "sse-replay-jetty", WebApplicationType.SERVLET,
				SpringServers.TOMCAT_SERVLET_AUTO_CONFIGURATIONS, args);
	}

}
