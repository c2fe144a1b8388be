package dev.ssereplay.benchmarks.server.handwritten;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
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

/**
 * The broadcast found in tutorials: a {@code CopyOnWriteArrayList<SseEmitter>}
 * per stream and a publish that loops over it calling {@code send}, on the
 * request thread. Each send is one write and one flush, and one client that does
 * not read blocks the loop for everybody. Ids are a counter, and
 * {@code Last-Event-ID} is ignored, as in the tutorials.
 * <p>
 * The token streams of scenario 7 are the other tutorial: an {@code SseEmitter}
 * per request, fed by a generator that sends each token as it is made. Here the
 * generator belongs to the stream, not to the request, so that a client that
 * reconnects gets a new emitter fed from the next token on (a generator per
 * request would start the answer again); what was sent while it was away is
 * lost.
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

		private static final int GENERATOR_THREADS = 4;

		private final Map<String, List<SseEmitter>> emitters = new ConcurrentHashMap<>();

		private final Map<String, AtomicLong> ids = new ConcurrentHashMap<>();

		private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

		private final ScheduledExecutorService generators = Executors.newScheduledThreadPool(GENERATOR_THREADS);

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
			send(this.emitters.get(stream), () -> SseEmitter.event().id(id).data(body));
			return id;
		}

		/**
		 * Publishes events to streams chosen at random (scenario 6), each as
		 * {@link #publish} does, on this request's thread.
		 */
		@PostMapping("/admin/publish-random")
		String publishRandom(@RequestParam String prefix, @RequestParam int streams, @RequestParam long first,
				@RequestParam int count, @RequestParam int bytes, @RequestParam long origin) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < count; i++) {
				publish(prefix + random.nextInt(streams), EventData.now(first + i, origin, bytes));
			}
			return Integer.toString(count);
		}

		/**
		 * Starts a token generator per stream (scenario 7) and returns: {@code events}
		 * events named {@code token} at {@code rate} a second, then a final event
		 * named {@code complete}, after which each emitter is completed and the
		 * stream forgotten. The starts are spread over one interval, as for
		 * sse-replay.
		 */
		@PostMapping("/admin/tokens")
		String tokens(@RequestParam String prefix, @RequestParam int streams, @RequestParam int events,
				@RequestParam double rate, @RequestParam int bytes, @RequestParam long origin) {
			long period = (long) (1e9 / rate);
			long start = System.nanoTime();
			for (int i = 0; i < streams; i++) {
				new TokenGenerator(prefix + i, events, start + period * i / streams, period, bytes, origin).schedule();
			}
			return Integer.toString(streams);
		}

		// A builder per emitter: a builder's build() adds to what it built before, so
		// one builder sent to every emitter grows with each send.
		private static void send(List<SseEmitter> list, Supplier<SseEmitter.SseEventBuilder> event) {
			if (list == null) {
				return;
			}
			for (SseEmitter emitter : list) {
				try {
					emitter.send(event.get());
				}
				catch (IOException | IllegalStateException ex) {
					list.remove(emitter);
				}
			}
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
			this.generators.shutdownNow();
		}

		/**
		 * Sends one token each time it runs, to whatever emitters the stream has
		 * then, and schedules itself for the next one at a fixed rate.
		 */
		private final class TokenGenerator implements Runnable {

			private final String stream;

			private final int events;

			private final long start;

			private final long period;

			private final int bytes;

			private final long origin;

			private int sent;

			TokenGenerator(String stream, int events, long start, long period, int bytes, long origin) {
				this.stream = stream;
				this.events = events;
				this.start = start;
				this.period = period;
				this.bytes = bytes;
				this.origin = origin;
			}

			void schedule() {
				long due = this.start + this.sent * this.period;
				Streams.this.generators.schedule(this, due - System.nanoTime(), TimeUnit.NANOSECONDS);
			}

			@Override
			public void run() {
				this.sent++;
				List<SseEmitter> list = Streams.this.emitters.get(this.stream);
				String token = EventData.now(this.sent, this.origin, this.bytes);
				String id = Integer.toString(this.sent);
				send(list, () -> SseEmitter.event().id(id).name("token").data(token));
				if (this.sent < this.events) {
					schedule();
					return;
				}
				String finalId = Integer.toString(this.sent + 1);
				send(list, () -> SseEmitter.event().id(finalId).name("complete").data("{\"reason\":\"completed\"}"));
				Streams.this.emitters.remove(this.stream);
				if (list != null) {
					list.forEach(SseEmitter::complete);
				}
			}

		}

	}

}
