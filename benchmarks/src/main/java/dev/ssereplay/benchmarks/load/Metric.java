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

	/** File descriptors the server held with the idle connections open. */
	public static final String SERVER_FDS = "serverFds";

	/** Threads of the server with the idle connections open. */
	public static final String SERVER_THREADS = "serverThreads";

	private Metric() {
	}

}
