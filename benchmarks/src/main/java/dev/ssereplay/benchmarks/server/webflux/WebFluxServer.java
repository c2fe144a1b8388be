package dev.ssereplay.benchmarks.server.webflux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.ssereplay.benchmarks.server.AdminController;
import dev.ssereplay.benchmarks.server.ServerHandle;
import dev.ssereplay.benchmarks.server.SpringServers;

/**
 * Spring WebFlux on Reactor Netty: one {@code Sinks.many().multicast()} sink per
 * stream, returned as {@code Flux<ServerSentEvent<String>>} with a heartbeat
 * merged in.
 * <p>
 * The sink is {@code directBestEffort()} and each subscriber reads it through
 * its own {@code onBackpressureBuffer(256)}: a subscriber whose connection falls
 * 256 events behind fails and is disconnected while the others go on, the same
 * bound and outcome as sse-replay's default queue. (The sink's own
 * {@code onBackpressureBuffer()} flavour would hold every subscriber to the
 * slowest one.) {@code Last-Event-ID} is ignored: a sink has no history.
 */
@SpringBootApplication(proxyBeanMethods = false)
@Import(AdminController.class)
public final class WebFluxServer {

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
		List<String> excluded = new ArrayList<>(SpringServers.SSE_REPLAY_AUTO_CONFIGURATIONS);
		excluded.addAll(SpringServers.TOMCAT_REACTIVE_AUTO_CONFIGURATIONS);
		return SpringServers.start(WebFluxServer.class, "webflux", WebApplicationType.REACTIVE, excluded, args);
	}

	@RestController
	static final class Streams {

		private static final int QUEUE_DEPTH = 256;

		private final Map<String, Stream> streams = new ConcurrentHashMap<>();

		private final Flux<ServerSentEvent<String>> heartbeat;

		Streams(@Value("${bench.heartbeat:15s}") Duration heartbeat) {
			this.heartbeat = Flux.interval(heartbeat, heartbeat)
				.map((tick) -> ServerSentEvent.<String>builder().comment("heartbeat").build());
		}

		@GetMapping(path = "/streams/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> subscribe(@PathVariable String stream) {
			return stream(stream).sink.asFlux().onBackpressureBuffer(QUEUE_DEPTH).mergeWith(this.heartbeat);
		}

		@PostMapping("/streams/{stream}")
		Mono<String> publish(@PathVariable String stream, @RequestBody String body) {
			return Mono.just(stream(stream).emit(body));
		}

		private Stream stream(String name) {
			return this.streams.computeIfAbsent(name, (key) -> new Stream());
		}

	}

	private static final class Stream {

		final Sinks.Many<ServerSentEvent<String>> sink = Sinks.many().multicast().directBestEffort();

		private long lastId;

		// A sink takes one emission at a time; this lock keeps ids in emission order.
		synchronized String emit(String data) {
			String id = Long.toString(++this.lastId);
			this.sink.tryEmitNext(ServerSentEvent.builder(data).id(id).build());
			return id;
		}

	}

}
