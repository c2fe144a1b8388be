package dev.ssereplay.benchmarks.server;

import java.util.List;
import java.util.function.Function;

import dev.ssereplay.benchmarks.server.eventbus.SseEventBusServer;
import dev.ssereplay.benchmarks.server.handwritten.HandWrittenServer;
import dev.ssereplay.benchmarks.server.jetty.SseReplayJettyServer;
import dev.ssereplay.benchmarks.server.netty.NettyServer;
import dev.ssereplay.benchmarks.server.replay.SseReplayServer;
import dev.ssereplay.benchmarks.server.webflux.WebFluxServer;

/**
 * The servers compared. Each is a main class of this module, started the same
 * way: the same JVM flags, a port from the same scheme and the same HTTP API.
 */
public enum Contender {

	/** sse-replay with its default settings. */
	SSE_REPLAY("sse-replay", SseReplayServer.class, SseReplayServer::start, true, List.of()),

	/**
	 * sse-replay writing through {@code SseEmitter.send} instead of non-blocking
	 * servlet output, as it did before that output was its default.
	 */
	SSE_REPLAY_BLOCKING("sse-replay-blocking", SseReplayServer.class, SseReplayServer::start, true,
			List.of("--sse.replay.writer.non-blocking=false")),

	/**
	 * sse-replay with its default settings on Jetty instead of Tomcat: Jetty
	 * returns the buffers of an idle connection to a pool.
	 */
	SSE_REPLAY_JETTY("sse-replay-jetty", SseReplayJettyServer.class, SseReplayJettyServer::start, true, List.of()),

	/**
	 * sse-replay on Jetty with the README's profile for many idle connections:
	 * no response keeps an output buffer between its writes.
	 */
	SSE_REPLAY_JETTY_TUNED("sse-replay-jetty-tuned", SseReplayJettyServer.class, SseReplayJettyServer::start, true,
			SseReplayJettyServer.TUNED_ARGUMENTS),

	/** sse-replay with the settings this benchmark found best; see BENCHMARKS.md. */
	SSE_REPLAY_TUNED("sse-replay-tuned", SseReplayServer.class, SseReplayServer::start, true,
			SseReplayServer.TUNED_ARGUMENTS),

	/**
	 * sse-replay with its default settings and the Redis store, on a Redis the
	 * harness starts for it.
	 */
	SSE_REPLAY_REDIS("sse-replay-redis", SseReplayServer.class, SseReplayServer::start, true,
			List.of(SpringServers.REDIS_STORE_ARGUMENT)),

	/**
	 * Two instances of {@code sse-replay-redis} on one Redis, as behind a load
	 * balancer: subscribers are spread over both, and each reconnects to the other
	 * one.
	 */
	SSE_REPLAY_REDIS_2("sse-replay-redis-2", SseReplayServer.class, SseReplayServer::start, true,
			List.of(SpringServers.REDIS_STORE_ARGUMENT)),

	/** A CopyOnWriteArrayList of SseEmitters and a loop that sends to each. */
	HAND_WRITTEN("hand-written", HandWrittenServer.class, HandWrittenServer::start, true, List.of()),

	/** The ch.rasc:sse-eventbus library. */
	SSE_EVENTBUS("sse-eventbus", SseEventBusServer.class, SseEventBusServer::start, true, List.of()),

	/** Spring WebFlux on Reactor Netty with a multicast sink. */
	WEBFLUX("webflux", WebFluxServer.class, WebFluxServer::start, false, List.of()),

	/** Netty writing pre-formatted bytes to every socket: the bound of this machine. */
	NETTY("netty-limit", NettyServer.class, NettyServer::start, false, List.of());

	private final String id;

	private final Class<?> mainClass;

	private final Function<String[], ServerHandle> starter;

	private final boolean servlet;

	private final List<String> arguments;

	Contender(String id, Class<?> mainClass, Function<String[], ServerHandle> starter, boolean servlet,
			List<String> arguments) {
		this.id = id;
		this.mainClass = mainClass;
		this.starter = starter;
		this.servlet = servlet;
		this.arguments = arguments;
	}

	/**
	 * Returns the name used in results and on the command line.
	 * @return the id, such as {@code sse-replay}
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Returns the class whose {@code main} starts this server.
	 * @return the main class
	 */
	public Class<?> mainClass() {
		return this.mainClass;
	}

	/**
	 * Whether this server runs on Spring MVC and Tomcat, where virtual threads
	 * change the request threads.
	 * @return {@code true} for the servlet contenders
	 */
	public boolean servlet() {
		return this.servlet;
	}

	/**
	 * Returns the simple class name of the web server the contender must answer
	 * from, as its {@code /admin/info} reports it.
	 * @return the web server's class name
	 */
	public String webServer() {
		return switch (this) {
			case SSE_REPLAY_JETTY, SSE_REPLAY_JETTY_TUNED -> "JettyServletWebServer";
			case WEBFLUX -> "NettyWebServer";
			case NETTY -> "NettyServer";
			default -> "TomcatWebServer";
		};
	}

	/**
	 * Whether this server publishes events to streams it picks at random when the
	 * load generator asks ({@code POST /admin/publish-random}), which scenario 6
	 * needs.
	 * @return {@code true} for sse-replay in every single-instance variant, the
	 * hand-written loop and the Netty limit
	 */
	public boolean publishesToRandomStreams() {
		return generatesTokens() || this == NETTY;
	}

	/**
	 * Whether this server runs token generators when the load generator asks
	 * ({@code POST /admin/tokens}): a generator per stream, each stream ending with
	 * a final event named {@code complete}, which scenario 7 needs.
	 * @return {@code true} for sse-replay in every single-instance variant and the
	 * hand-written loop
	 */
	public boolean generatesTokens() {
		return switch (this) {
			case SSE_REPLAY, SSE_REPLAY_BLOCKING, SSE_REPLAY_JETTY, SSE_REPLAY_JETTY_TUNED, SSE_REPLAY_TUNED,
					SSE_REPLAY_REDIS, HAND_WRITTEN ->
				true;
			default -> false;
		};
	}

	/**
	 * Whether this server keeps its history in Redis, which the harness starts for
	 * it and points it at.
	 * @return {@code true} for the sse-replay variants with the Redis store
	 */
	public boolean usesRedis() {
		return this == SSE_REPLAY_REDIS || this == SSE_REPLAY_REDIS_2;
	}

	/**
	 * Returns how many instances of the application serve the clients, each a
	 * process of its own on the next port.
	 * @return 2 for {@code sse-replay-redis-2}, 1 for the others
	 */
	public int instances() {
		return (this == SSE_REPLAY_REDIS_2) ? 2 : 1;
	}

	/**
	 * Returns the arguments this contender always gets, after the common ones.
	 * @return command line arguments
	 */
	public List<String> arguments() {
		return this.arguments;
	}

	/**
	 * Starts this server in the current process.
	 * @param arguments command line arguments, such as {@code --server.port=0}
	 * @return the running server
	 */
	public ServerHandle start(String... arguments) {
		return this.starter.apply(arguments);
	}

	/**
	 * Finds a contender by its id.
	 * @param id an id as returned by {@link #id()}
	 * @return the contender
	 * @throws IllegalArgumentException naming the known ids
	 */
	public static Contender of(String id) {
		for (Contender contender : values()) {
			if (contender.id.equals(id)) {
				return contender;
			}
		}
		StringBuilder known = new StringBuilder();
		for (Contender contender : values()) {
			known.append((known.length() > 0) ? ", " : "").append(contender.id);
		}
		throw new IllegalArgumentException("Unknown contender '" + id + "'; known: " + known);
	}

}
