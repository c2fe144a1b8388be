package dev.ssereplay.benchmarks.server.eventbus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.rasc.sse.eventbus.DefaultDataObjectConverter;
import ch.rasc.sse.eventbus.DefaultSubscriptionRegistry;
import ch.rasc.sse.eventbus.SseEvent;
import ch.rasc.sse.eventbus.SseEventBus;
import ch.rasc.sse.eventbus.config.SseEventBusConfigurer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.benchmarks.server.AdminController;
import dev.ssereplay.benchmarks.server.ServerHandle;
import dev.ssereplay.benchmarks.server.SpringServers;
import dev.ssereplay.benchmarks.server.TomcatTuning;

/**
 * The {@code ch.rasc:sse-eventbus} library on Spring MVC and Tomcat: a stream is
 * an event name the client subscribes to, a publish is
 * {@code handleEvent(SseEvent)}. The library identifies clients by an id, taken
 * from the {@code client} query parameter: a client that reconnects under the
 * same id gets the events whose sending failed while it was away, which the
 * library retries every 500 ms.
 * <p>
 * The bus is declared here rather than with {@code @EnableSseEventBus}: version
 * 2.0.1's configuration class autowires Jackson 2's {@code ObjectMapper}, which
 * Spring Boot 4 (Jackson 3) no longer ships, so the annotation fails at startup.
 * The bus itself runs on Spring Framework 7 unchanged.
 */
@SpringBootApplication(proxyBeanMethods = false)
@Import({ AdminController.class, TomcatTuning.class })
public final class SseEventBusServer {

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
		return SpringServers.start(SseEventBusServer.class, "sse-eventbus", WebApplicationType.SERVLET,
				SpringServers.SSE_REPLAY_AUTO_CONFIGURATIONS, args);
	}

	@Bean(destroyMethod = "cleanUp")
	SseEventBus sseEventBus() {
		SseEventBus bus = new SseEventBus(new SseEventBusConfigurer() {
		}, new DefaultSubscriptionRegistry());
		List<ch.rasc.sse.eventbus.DataObjectConverter> converters = new ArrayList<>();
		converters.add(new DefaultDataObjectConverter());
		bus.setDataObjectConverters(converters);
		return bus;
	}

	@RestController
	static final class Streams implements DisposableBean {

		private static final long TIMEOUT_MILLIS = Duration.ofHours(1).toMillis();

		private final SseEventBus bus;

		private final Map<String, AtomicLong> ids = new ConcurrentHashMap<>();

		private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

		Streams(SseEventBus bus, @Value("${bench.heartbeat:15s}") Duration heartbeat) {
			this.bus = bus;
			this.heartbeats.scheduleAtFixedRate(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
					TimeUnit.MILLISECONDS);
		}

		@GetMapping("/streams/{stream}")
		SseEmitter subscribe(@PathVariable String stream, @RequestParam(required = false) String client) {
			String clientId = (client != null) ? client : UUID.randomUUID().toString();
			// Subscribed to this stream only: a client id that comes back on another
			// stream must not get the first stream's events.
			return this.bus.createSseEmitter(clientId, TIMEOUT_MILLIS, true, stream);
		}

		@PostMapping("/streams/{stream}")
		String publish(@PathVariable String stream, @RequestBody String body) {
			String id = Long.toString(this.ids.computeIfAbsent(stream, (key) -> new AtomicLong()).incrementAndGet());
			this.bus.handleEvent(SseEvent.builder().event(stream).id(id).data(body).build());
			return id;
		}

		// The bus has no comment-only event: a heartbeat is an event with empty
		// data, which a client receives as a message without data.
		private void heartbeat() {
			try {
				for (String stream : this.bus.getAllEvents()) {
					this.bus.handleEvent(SseEvent.builder().event(stream).comment("heartbeat").data("").build());
				}
			}
			catch (RuntimeException ex) {
				// A failure must not end the schedule.
			}
		}

		@Override
		public void destroy() {
			this.heartbeats.shutdownNow();
		}

	}

}
