package dev.ssereplay.benchmarks.load;

/**
 * The names of the numbers the scenarios report, as they appear in the results.
 */
public final class Metric {

	/** Events received per second by all subscribers together. */
	public static final String DELIVERED_PER_SECOND = "deliveredPerSecond";

	/** Events published per second. */
	public static final String PUBLISHED_PER_SECOND = "publishedPerSecond";

	/** Server CPU seconds (user and system) per million deliveries. */
	public static final String CPU_SECONDS_PER_MILLION = "cpuSecondsPerMillion";

	/** Server CPU seconds per second of the window. */
	public static final String CPU_UTILIZATION = "cpuUtilization";

	/**
	 * CPU seconds per second of the window of the Redis a contender with the Redis
	 * store runs on, which shares the server's CPUs: not in the server's numbers.
	 */
	public static final String REDIS_CPU_UTILIZATION = "redisCpuUtilization";

	/** Load generator CPU seconds per second of the window: near 1 it is the bottleneck. */
	public static final String CLIENT_CPU_UTILIZATION = "clientCpuUtilization";

	/**
	 * Events delivered per write system call of the server: how well it coalesces
	 * the events queued for a connection into one write.
	 */
	public static final String EVENTS_PER_WRITE = "eventsPerWrite";

	/** Share of the server's CPU time its JIT compiler used in the window. */
	public static final String COMPILER_CPU_SHARE = "compilerCpuShare";

	/** Median publish-to-receive latency, milliseconds. */
	public static final String P50_MS = "p50Ms";

	/** 99th percentile latency, milliseconds. */
	public static final String P99_MS = "p99Ms";

	/** 99.9th percentile latency, milliseconds. */
	public static final String P999_MS = "p999Ms";

	/** Largest latency, milliseconds. */
	public static final String MAX_MS = "maxMs";

	/** Latencies recorded. */
	public static final String SAMPLES = "samples";

	/** Events received over events published times subscribers, in the window. */
	public static final String DELIVERED_SHARE = "deliveredShare";

	/** Subscriber connections the server ended or that failed. */
	public static final String CLOSED_BY_SERVER = "closedByServer";

	/** Publish requests answered with an error. */
	public static final String PUBLISH_ERRORS = "publishErrors";

	/** Slow connections that were streaming. */
	public static final String SLOW_CONNECTED = "slowConnected";

	/** Slow connections the server ended. */
	public static final String SLOW_CLOSED_BY_SERVER = "slowClosedByServer";

	/** Subscribers that caught up after the reconnect storm. */
	public static final String CAUGHT_UP = "caughtUp";

	/** Seconds from the drop until the last subscriber caught up. */
	public static final String CATCH_UP_SECONDS = "catchUpSeconds";

	/** Events some subscriber never received, summed over subscribers. */
	public static final String LOST = "lost";

	/** Events some subscriber received more than once, summed over subscribers. */
	public static final String DUPLICATED = "duplicated";

	/** Resync events received. */
	public static final String RESYNCS = "resyncs";

	/** Subscribers streaming again after the storm. */
	public static final String RECONNECTED = "reconnected";

	/** Events published in the reconnect scenario. */
	public static final String PUBLISHED = "published";

	/** Idle connections that were streaming. */
	public static final String IDLE_CONNECTED = "idleConnected";

	/** Share of idle connections that received a heartbeat. */
	public static final String HEARTBEAT_SHARE = "heartbeatShare";

	/** Server heap after a full GC per idle connection, kilobytes. */
	public static final String HEAP_KB_PER_CONNECTION = "heapKbPerConnection";

	/** Server resident memory per idle connection, kilobytes. */
	public static final String RSS_KB_PER_CONNECTION = "rssKbPerConnection";

	/** Server direct buffers (the JVM's count) per idle connection, kilobytes. */
	public static final String DIRECT_KB_PER_CONNECTION = "directKbPerConnection";

	/** File descriptors the server held with the idle connections open. */
	public static final String SERVER_FDS = "serverFds";

	/** Threads of the server with the idle connections open. */
	public static final String SERVER_THREADS = "serverThreads";

	/** Streams with a subscriber (scenario 6) or token streams (scenario 7). */
	public static final String STREAMS = "streams";

	/** Events published per stream in scenario 6, on average. */
	public static final String EVENTS_PER_STREAM = "eventsPerStream";

	/**
	 * Server heap after a full GC per stream, its subscriber connected, above the
	 * heap before the streams existed, kilobytes.
	 */
	public static final String HEAP_KB_PER_SUBSCRIBED_STREAM = "heapKbPerSubscribedStream";

	/** The same once the subscribers have disconnected, kilobytes. */
	public static final String HEAP_KB_PER_UNSUBSCRIBED_STREAM = "heapKbPerUnsubscribedStream";

	/** Seconds the server took to let go of the closed connections. */
	public static final String RELEASE_SECONDS = "releaseSeconds";

	/**
	 * Events received after a reconnect that were published while the client was
	 * away: replayed from history. Their latency is the time away, so they are not
	 * among the latencies.
	 */
	public static final String REPLAYED = "replayed";

	/** Connections that were dropped on purpose and opened again. */
	public static final String DROPS = "drops";

	/**
	 * Events whose id is not the one after the previous event's, summed over
	 * connections: a hole, a repeat or a resync in the dense sequence of ids.
	 */
	public static final String ID_BREAKS = "idBreaks";

	/**
	 * Streams whose client received the final event, with reason
	 * {@code completed}, nothing after it, and then the end of the response.
	 */
	public static final String COMPLETED = "completed";

	/** Seconds from the start of the generators until every stream had completed. */
	public static final String COMPLETE_SECONDS = "completeSeconds";

	/**
	 * Clients that reconnected with the final event's id and were answered
	 * {@code 204 No Content}, which stops a browser's {@code EventSource}.
	 */
	public static final String TOLD_TO_STOP = "toldToStop";

	/**
	 * Server heap after a full GC once every stream has completed and its client
	 * has gone, above the heap before the scenario, megabytes.
	 */
	public static final String HEAP_MB_AFTER_COMPLETE = "heapMbAfterComplete";

	/** The same after the ended streams' time to live, megabytes. */
	public static final String HEAP_MB_AFTER_EXPIRY = "heapMbAfterExpiry";

	private Metric() {
	}

}
