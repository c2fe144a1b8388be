package dev.ssereplay.benchmarks.server.handwritten;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
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

/**
 * The broadcast found in tutorials: a {@code CopyOnWriteArrayList<SseEmitter>}
 * per stream and a publish that loops over it calling {@code send}, on the
 * request thread. Each send is one write and one flush, and one client that does
 * not read blocks the loop for everybody. Ids are a counter, and
 * {@code Last-Event-ID} is ignored, as in the tutorials.
 */
@SpringBootApplication(proxyBeanMethods = false)
@Import({ AdminController.class, TomcatTuning.class })
public final class HandWrittenServer {

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
		return SpringServers.start(HandWrittenServer.class, "hand-written", WebApplicationType.SERVLET,
				SpringServers.SSE_REPLAY_AUTO_CONFIGURATIONS, args);
	}

	@RestController
	static final class Streams implements DisposableBean {

		private static final long TIMEOUT_MILLIS = Duration.ofHours(1).toMillis();

		private final Map<String, List<SseEmitter>> emitters = new ConcurrentHashMap<>();

		private final Map<String, AtomicLong> ids = new ConcurrentHashMap<>();

		private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

		Streams(@Value("${bench.heartbeat:15s}") Duration heartbeat) {
			this.heartbeats.scheduleAtFixedRate(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
					TimeUnit.MILLISECONDS);
		}

		@GetMapping("/streams/{stream}")
		SseEmitter subscribe(@PathVariable String stream) {
			SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
			List<SseEmitter> list = this.emitters.computeIfAbsent(stream, (key) -> new CopyOnWriteArrayList<>());
			list.add(emitter);
			emitter.onCompletion(() -> list.remove(emitter));
			emitter.onTimeout(() -> list.remove(emitter));
			emitter.onError((ex) -> list.remove(emitter));
			return emitter;
		}

		@PostMapping("/streams/{stream}")
		String publish(@PathVariable String stream, @RequestBody String body) {
			String id = Long.toString(this.ids.computeIfAbsent(stream, (key) -> new AtomicLong()).incrementAndGet());
			List<SseEmitter> list = this.emitters.get(stream);
			if (list != null) {
				for (SseEmitter emitter : list) {
					try {
						emitter.send(SseEmitter.event().id(id).data(body));
					}
					catch (IOException | IllegalStateException ex) {
						list.remove(emitter);
					}
				}
			}
			return id;
		}

		private void heartbeat() {
			for (List<SseEmitter> list : this.emitters.values()) {
				for (SseEmitter emitter : list) {
					try {
						emitter.send(SseEmitter.event().comment("heartbeat"));
					}
					catch (IOException | RuntimeException ex) {
						// A failure must not end the schedule.
						list.remove(emitter);
					}
				}
			}
		}

		@Override
		public void destroy() {
			this.heartbeats.shutdownNow();
		}

	}

}
