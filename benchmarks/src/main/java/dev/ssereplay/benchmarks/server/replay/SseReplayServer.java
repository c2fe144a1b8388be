package dev.ssereplay.benchmarks.server.replay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import reactor.core.publisher.Flux;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.benchmarks.server.AdminController;
import dev.ssereplay.benchmarks.server.EventData;
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

	/**
	 * Events the server publishes itself, for the scenarios with many streams: the
	 * load generator names the streams ({@code prefix} and an index below
	 * {@code streams}) and the time base of the timestamps ({@code origin}).
	 */
	@RestController
	public static final class Generators {

		private final SseReplay sseReplay;

		public Generators(SseReplay sseReplay) {
			this.sseReplay = sseReplay;
		}

		/**
		 * Publishes events to streams chosen at random, numbered from {@code first},
		 * one {@code publish} each, as an application that notifies its users does.
		 */
		@PostMapping("/admin/publish-random")
		String publishRandom(@RequestParam String prefix, @RequestParam int streams, @RequestParam long first,
				@RequestParam int count, @RequestParam int bytes, @RequestParam long origin) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < count; i++) {
				this.sseReplay.publish(prefix + random.nextInt(streams), EventData.now(first + i, origin, bytes));
			}
			return Integer.toString(count);
		}

		/**
		 * Starts a token generator per stream and returns: {@code events} events
		 * named {@code token} at {@code rate} a second from a {@code Flux.interval},
		 * published with {@code publishAll}, which completes the stream after the
		 * last. The starts are spread over one interval, as the answers of many
		 * users do not start at the same instant.
		 */
		@PostMapping("/admin/tokens")
		String tokens(@RequestParam String prefix, @RequestParam int streams, @RequestParam int events,
				@RequestParam double rate, @RequestParam int bytes, @RequestParam long origin) {
			long period = (long) (1e9 / rate);
			for (int i = 0; i < streams; i++) {
				Duration delay = Duration.ofNanos(period * i / streams);
				Flux<String> tokens = Flux.interval(delay, Duration.ofNanos(period))
					.take(events)
					.map((tick) -> EventData.now(tick + 1, origin, bytes));
				this.sseReplay.publishAll(prefix + i, "token", tokens);
			}
			return Integer.toString(streams);
		}

	}

}
