package dev.ssereplay.benchmarks.server.replay;

import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.benchmarks.server.AdminController;
import dev.ssereplay.benchmarks.server.ServerHandle;
import dev.ssereplay.benchmarks.server.SpringServers;
import dev.ssereplay.benchmarks.server.TomcatTuning;
import dev.ssereplay.web.SseReplay;

/**
 * sse-replay on Spring MVC and Tomcat, with the controller every application
 * writes: the stream is {@code sseReplay.subscribe(stream)}, a publish is
 * {@code sseReplay.publish(stream, body)}.
 */
@SpringBootApplication(proxyBeanMethods = false)
@Import({ AdminController.class, TomcatTuning.class })
public final class SseReplayServer {

	/**
	 * The settings of the tuned variant, measured in BENCHMARKS.md: the profile for
	 * many idle connections from the README. An accept queue that takes a
	 * reconnect storm; fewer request threads (an event stream holds none); and
	 * smaller per-connection Tomcat buffers, which an idle connection keeps for its
	 * whole life, through Boot's properties and the starter's
	 * {@code sse.replay.tomcat.*}. The socket write buffer stays at 8 KB: a batch of
	 * events larger than it takes more than one write.
	 */
	public static final List<String> TUNED_ARGUMENTS = List.of("--server.tomcat.accept-count=2048",
			"--server.tomcat.threads.max=32", "--server.max-http-request-header-size=4KB",
			"--server.tomcat.max-http-response-header-size=1KB", "--sse.replay.tomcat.socket-read-buffer=1KB",
			"--sse.replay.tomcat.response-buffer=1KB");

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
		return SpringServers.start(SseReplayServer.class, "sse-replay", WebApplicationType.SERVLET, List.of(), args);
	}

	@RestController
	public static final class Streams {

		private final SseReplay sseReplay;

		public Streams(SseReplay sseReplay) {
			this.sseReplay = sseReplay;
		}

		@GetMapping("/streams/{stream}")
		SseEmitter subscribe(@PathVariable String stream) {
			return this.sseReplay.subscribe(stream);
		}

		@PostMapping("/streams/{stream}")
		String publish(@PathVariable String stream, @RequestBody String body) {
			return this.sseReplay.publish(stream, body);
		}

	}

}
