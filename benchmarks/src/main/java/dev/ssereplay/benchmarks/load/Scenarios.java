package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;

/**
 * The scenarios, each run against one server; each returns its numbers by name
 * (see {@link Metric}).
 */
public final class Scenarios {

	/** Bytes published to scenario 4's slow connections before it measures. */
	static final long SLOW_FILL_BYTES = 6L * 1024 * 1024;

	/** The size of each of those events' data. */
	static final int SLOW_FILL_EVENT_BYTES = 32 * 1024;

	/**
	 * Events scenario 6 keeps published and not yet received, at most: enough
	 * to keep a server busy, a fraction of an event per stream.
	 */
	static final int MANY_STREAMS_WINDOW = 4096;

	/** Events the server publishes per request in scenario 6. */
	static final int MANY_STREAMS_BATCH = 512;

	/** How long scenario 7 waits for the answer to a reconnect after the end. */
	static final Duration STOP_WAIT = Duration.ofSeconds(2);

	/**
	 * Sockets a server holds with no client connected, at most: its listening
	 * socket, the admin and publishing connections of the load generator, and the
	 * attach socket of jcmd.
	 */
	static final int SOCKETS_AT_REST = 16;

	private final Target target;

	private final List<InetSocketAddress> instances;

	private final Target redis;

	private final Settings settings;

	private final long origin = System.nanoTime();

	private final Target self = new Target(null, ProcessHandle.current().pid(), null);

	/**
	 * Creates the scenarios for one server.
	 * @param target the server
	 * @param settings sizes and durations
	 */
	Scenarios(Target target, Settings settings) {
		this(List.of(target), settings);
	}

	/**
	 * Creates the scenarios for a server of several instances of one application:
	 * subscribers are spread over them, and in scenario 5 each reconnects to the
	 * next one; the publisher posts to the first, whose process is the one
	 * measured.
	 * @param instances the server's instances, the first one first
	 * @param settings sizes and durations
	 */
	Scenarios(List<Target> instances, Settings settings) {
		this(instances, null, settings);
	}

	/**
	 * Creates the scenarios for a server of one or several instances on a Redis
	 * whose CPU time scenario 1 reports beside the server's.
	 * @param instances the server's instances, the first one first
	 * @param redis the Redis the server keeps its history in, or {@code null}
	 * @param settings sizes and durations
	 */
	Scenarios(List<Target> instances, Target redis, Settings settings) {
		this.target = instances.get(0);
		this.redis = redis;
		List<InetSocketAddress> addresses = new ArrayList<>();
		for (Target instance : instances) {
			addresses.add(instance.address());
		}
		this.instances = List.copyOf(addresses);
		this.settings = settings;
	}

	/**
	 * Scenario 1, fan-out throughput: subscribers on one stream, publishing as fast
	 * as they receive.
	 * @param stream a stream name not used before
	 * @return delivered events per second, server CPU seconds per million
	 * deliveries, and the latencies seen on the way
	 */
	Map<String, Double> fanOut(String stream) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		try (LoadClient client = client()) {
			List<SseConnection> subscribers = connect(client, stream, this.settings.subscribers(), false, false);
			try (Publisher publisher = publisher(stream)) {
				client.onProgress(publisher::wake);
				publisher.startWindowed(this.settings.window(), () -> client.minAcknowledged(subscribers));
				sleep(this.settings.warmup());
				client.latencies();
				long delivered = client.delivered();
				long published = publisher.sent();
				double cpu = this.target.cpuSeconds();
				double clientCpu = this.self.cpuSeconds();
				double redisCpu = redisCpuSeconds();
				double writes = this.target.writeCalls();
				double compiler = this.target.compilerCpuSeconds();
				long start = System.nanoTime();
				sleep(this.settings.measure());
				double seconds = (System.nanoTime() - start) / 1e9;
				double cpuUsed = this.target.cpuSeconds() - cpu;
				double clientCpuUsed = this.self.cpuSeconds() - clientCpu;
				double writesMade = this.target.writeCalls() - writes;
				double compilerUsed = this.target.compilerCpuSeconds() - compiler;
				double redisCpuUsed = redisCpuSeconds() - redisCpu;
				long deliveredInWindow = client.delivered() - delivered;
				long publishedInWindow = publisher.sent() - published;
				Histogram latencies = client.latencies();
				publisher.stop();
				client.onProgress(null);
				result.put(Metric.DELIVERED_PER_SECOND, deliveredInWindow / seconds);
				result.put(Metric.PUBLISHED_PER_SECOND, publishedInWindow / seconds);
				result.put(Metric.CPU_SECONDS_PER_MILLION, cpuUsed / (deliveredInWindow / 1e6));
				result.put(Metric.CPU_UTILIZATION, cpuUsed / seconds);
				result.put(Metric.CLIENT_CPU_UTILIZATION, clientCpuUsed / seconds);
				result.put(Metric.EVENTS_PER_WRITE, deliveredInWindow / writesMade);
				result.put(Metric.COMPILER_CPU_SHARE, compilerUsed / cpuUsed);
				if (this.redis != null) {
					result.put(Metric.REDIS_CPU_UTILIZATION, redisCpuUsed / seconds);
				}
				putLatencies(result, latencies);
				result.put(Metric.CLOSED_BY_SERVER, (double) client.count(subscribers, (c) -> c.ended || c.failed));
				result.put(Metric.PUBLISH_ERRORS, (double) publisher.errors());
			}
			client.close(subscribers);
		}
		return result;
	}

	/**
	 * Scenario 2, latency under load: subscribers on one stream, publishing at a
	 * fixed rate.
	 * @param stream a stream name not used before
	 * @param rate events published per second
	 * @return publish-to-receive percentiles in milliseconds, and the share of
	 * events delivered
	 */
	Map<String, Double> latency(String stream, double rate) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		try (LoadClient client = client()) {
			List<SseConnection> subscribers = connect(client, stream, this.settings.subscribers(), false, false);
			measurePaced(client, subscribers, stream, rate, this.settings.warmup(), result);
			client.close(subscribers);
		}
		return result;
	}

	/**
	 * Scenario 4, slow connections: connections that stop reading alongside normal
	 * ones, at the rate of scenario 2.
	 * @param stream a stream name not used before
	 * @param rate events published per second
	 * @return the normal subscribers' percentiles and delivered share, and what
	 * became of the slow connections
	 */
	Map<String, Double> slowSubscribers(String stream, double rate) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		try (LoadClient client = client()) {
			List<SseConnection> slow = client.connect(this.settings.slowConnections(), path(stream),
					this.settings.subscribers(), true, false, this.settings.connectConcurrency(),
					Duration.ofSeconds(60));
			result.put(Metric.SLOW_CONNECTED, (double) client.count(slow, (c) -> c.streaming));
			fillSlowConnections(stream);
			List<SseConnection> normal = connect(client, stream, this.settings.subscribers(), false, false);
			measurePaced(client, normal, stream, rate, this.settings.warmup(), result);
			result.put(Metric.SLOW_CLOSED_BY_SERVER, (double) client.count(slow, (c) -> c.ended || c.failed));
			result.put(Metric.SERVER_THREADS, Target.number(this.target.admin("/admin/heap"), "threads"));
			client.close(normal);
			client.close(slow);
		}
		return result;
	}

	/**
	 * Publishes more bytes than the buffers between a server and a client that
	 * stopped reading hold (the client's small receive buffer and a server socket
	 * send buffer that the kernel grows up to {@code net.ipv4.tcp_wmem}, 4 MB by
	 * default), while only the slow connections listen, so that the server's next
	 * write to each of them would block. A server whose publisher waits on such
	 * a write takes longer than the fill time, which is its result.
	 */
	private void fillSlowConnections(String stream) throws IOException, InterruptedException {
		int events = (int) (SLOW_FILL_BYTES / SLOW_FILL_EVENT_BYTES);
		double perSecond = events / (this.settings.slowFill().toMillis() / 1000.0);
		try (Publisher filler = new Publisher(this.target.address(), stream, SLOW_FILL_EVENT_BYTES, this.origin)) {
			filler.startPaced(perSecond);
			sleep(this.settings.slowFill());
			filler.stop();
		}
	}

	/**
	 * Scenario 5, reconnect storm: every subscriber drops at once and reconnects
	 * with {@code Last-Event-ID} while publishing goes on; to another instance,
	 * when the server has several.
	 * @param stream a stream name not used before
	 * @param rate events published per second
	 * @return the time until every subscriber has caught up, and events lost and
	 * duplicated
	 */
	Map<String, Double> reconnectStorm(String stream, double rate) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		try (LoadClient client = client()) {
			List<SseConnection> subscribers = connect(client, stream, this.settings.subscribers(), false, true);
			try (Publisher publisher = publisher(stream)) {
				publisher.startPaced(rate);
				sleep(this.settings.reconnectAfter());
				// Caught up: has received the first event published after the drop, so
				// it is connected again and has everything before it, or lost it.
				long target = publisher.sent() + 1;
				long dropped = System.nanoTime() - this.origin;
				client.dropAndReconnect(subscribers, target);
				long deadline = System.nanoTime() + this.settings.catchUpTimeout().toNanos();
				long caughtUp = 0;
				while (System.nanoTime() < deadline) {
					caughtUp = client.count(subscribers, (c) -> c.caughtUpAt != 0);
					if (caughtUp == subscribers.size()) {
						break;
					}
					Thread.sleep(20);
				}
				long last = client.max(subscribers, (c) -> c.caughtUpAt);
				result.put(Metric.CAUGHT_UP, (double) caughtUp);
				result.put(Metric.CATCH_UP_SECONDS,
						(caughtUp == subscribers.size()) ? Math.max(0, last - dropped) / 1e9 : Double.POSITIVE_INFINITY);
				// Publish on for a moment, stop, and let the last events arrive.
				sleep(Duration.ofSeconds(1));
				publisher.stop();
				long published = publisher.sent();
				long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
				while (System.nanoTime() < settle
						&& client.count(subscribers, (c) -> c.maxSequence >= published) < subscribers.size()) {
					Thread.sleep(20);
				}
				result.put(Metric.LOST, (double) client.sum(subscribers,
						(c) -> c.missingIn(Math.max(1, c.firstTracked()), published)));
				result.put(Metric.DUPLICATED, (double) client.sum(subscribers, SseConnection::trackedDuplicates));
				result.put(Metric.RESYNCS, (double) client.sum(subscribers, (c) -> c.resyncs));
				result.put(Metric.RECONNECTED, (double) client.count(subscribers, (c) -> c.streaming));
				result.put(Metric.PUBLISHED, (double) published);
			}
			client.close(subscribers);
		}
		return result;
	}

	/**
	 * Scenario 6, many streams: one subscriber on each of many streams (the
	 * notifications of many users), and the server publishing to streams chosen
	 * at random, as fast as it delivers. Then the heap each stream costs, with
	 * its subscriber and once the subscribers have gone.
	 * @param prefix the streams' names without their index, not used before
	 * @return delivered events per second, server CPU seconds per million
	 * deliveries, latencies, and heap per stream with and without a subscriber
	 */
	Map<String, Double> manyStreams(String prefix) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		int streams = this.settings.streams();
		awaitRest();
		double baseline = liveHeap(this.target.admin("/admin/heap"));
		try (LoadClient client = client()) {
			List<SseConnection> subscribers = connect(client, streams(prefix), streams, false);
			long published;
			try (BatchPublisher publisher = new BatchPublisher(this.target, prefix, streams,
					this.settings.payloadBytes(), this.origin, MANY_STREAMS_WINDOW, MANY_STREAMS_BATCH,
					client::delivered)) {
				publisher.start();
				sleep(this.settings.warmup());
				client.latencies();
				long delivered = client.delivered();
				double cpu = this.target.cpuSeconds();
				double clientCpu = this.self.cpuSeconds();
				double redisCpu = redisCpuSeconds();
				double writes = this.target.writeCalls();
				long start = System.nanoTime();
				sleep(this.settings.measure());
				double seconds = (System.nanoTime() - start) / 1e9;
				double cpuUsed = this.target.cpuSeconds() - cpu;
				double clientCpuUsed = this.self.cpuSeconds() - clientCpu;
				double writesMade = this.target.writeCalls() - writes;
				double redisCpuUsed = redisCpuSeconds() - redisCpu;
				long deliveredInWindow = client.delivered() - delivered;
				Histogram latencies = client.latencies();
				publisher.stop();
				published = publisher.sent();
				// The last events arrive; every one published should.
				long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (System.nanoTime() < settle && client.delivered() < published) {
					Thread.sleep(20);
				}
				result.put(Metric.STREAMS, (double) streams);
				result.put(Metric.DELIVERED_PER_SECOND, deliveredInWindow / seconds);
				result.put(Metric.CPU_SECONDS_PER_MILLION, cpuUsed / (deliveredInWindow / 1e6));
				result.put(Metric.CPU_UTILIZATION, cpuUsed / seconds);
				result.put(Metric.CLIENT_CPU_UTILIZATION, clientCpuUsed / seconds);
				result.put(Metric.EVENTS_PER_WRITE, deliveredInWindow / writesMade);
				if (this.redis != null) {
					result.put(Metric.REDIS_CPU_UTILIZATION, redisCpuUsed / seconds);
				}
				putLatencies(result, latencies);
				result.put(Metric.DELIVERED_SHARE, (published == 0) ? 0.0 : client.delivered() / (double) published);
				result.put(Metric.PUBLISH_ERRORS, (double) publisher.errors());
				if (publisher.failure() != null) {
					throw new IllegalStateException("Publishing failed", publisher.failure());
				}
			}
			result.put(Metric.EVENTS_PER_STREAM, published / (double) streams);
			result.put(Metric.CLOSED_BY_SERVER, (double) client.count(subscribers, (c) -> c.ended || c.failed));
			double subscribed = liveHeap(this.target.admin("/admin/heap"));
			result.put(Metric.HEAP_KB_PER_SUBSCRIBED_STREAM, (subscribed - baseline) / streams / 1024);
			client.close(subscribers);
			result.put(Metric.RELEASE_SECONDS, awaitRest());
			double unsubscribed = liveHeap(this.target.admin("/admin/heap"));
			result.put(Metric.HEAP_KB_PER_UNSUBSCRIBED_STREAM, (unsubscribed - baseline) / streams / 1024);
		}
		return result;
	}

	/**
	 * Waits until the server holds no client connections: it has noticed that
	 * the clients of earlier connections went away (at its next write to each,
	 * a heartbeat at the latest) and closed them, so the heap measured next
	 * holds none of them.
	 * @return the seconds it took, or infinity when it did not within three
	 * heartbeat intervals
	 */
	private double awaitRest() throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + this.settings.heartbeatWait().multipliedBy(3).toNanos();
		while (System.nanoTime() < deadline) {
			int sockets = this.target.openSockets();
			if (sockets < 0 || sockets <= SOCKETS_AT_REST) {
				return (System.nanoTime() - start) / 1e9;
			}
			Thread.sleep(100);
		}
		return Double.POSITIVE_INFINITY;
	}

	/**
	 * Scenario 7, token streams: many finite streams at once, each generated by
	 * the server at a fixed rate from the moment the load generator asks, as an
	 * answer is streamed token by token, and each read by one client. Every
	 * client drops once in the middle of its stream, at a token of its own, is
	 * away for a while and reconnects with the last id it received; then the
	 * stream completes. A client that received the final event reconnects once
	 * more with its id, as a browser's {@code EventSource} does after the
	 * response ends, and should be told to stop. The server's heap is measured
	 * before, once every stream has completed, and after the ended streams' time
	 * to live.
	 * <p>
	 * The latencies are those of the tokens received live: a token published
	 * while its client was away is counted as replayed instead, as its latency
	 * is the time away.
	 * @param prefix the streams' names without their index, not used before
	 * @return events lost and duplicated, breaks in the ids, token latencies, the
	 * time until every stream completed, and the heap above the baseline
	 */
	Map<String, Double> tokenStreams(String prefix) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		int streams = this.settings.tokenStreams();
		int events = this.settings.tokenEvents();
		// Streams of an earlier run on this server have expired by now, so the
		// baseline is the server without any.
		sleep(expiryWait());
		awaitRest();
		double baseline = liveHeap(this.target.admin("/admin/heap"));
		try (LoadClient client = client()) {
			List<SseConnection> connections = connect(client, streams(prefix), streams, true);
			// In the middle third, at a token of its own, so the reconnects spread out.
			int third = Math.max(1, events / 3);
			long away = this.settings.tokenAway().toNanos();
			client.each(connections, (c) -> {
				c.dropAfter = third + 1 + (long) c.index * third / streams;
				c.awayNanos = away;
			});
			client.latencies();
			long started = System.nanoTime() - this.origin;
			this.target.post("/admin/tokens?prefix=" + prefix + "&streams=" + streams + "&events=" + events
					+ "&rate=" + this.settings.tokenRate() + "&bytes=" + this.settings.payloadBytes() + "&origin="
					+ this.origin);
			long deadline = System.nanoTime() + this.settings.tokenStreamDuration().toNanos()
					+ TimeUnit.SECONDS.toNanos(30);
			while (System.nanoTime() < deadline
					&& client.count(connections, (c) -> c.completes > 0 && (c.ended || c.failed)) < streams) {
				Thread.sleep(20);
			}
			Histogram latencies = client.latencies();
			long completed = client.count(connections, (c) -> c.completes == 1 && c.abnormalEnds == 0
					&& c.afterComplete == 0 && c.ended && !c.failed);
			long last = client.max(connections, (c) -> c.completedAt);
			result.put(Metric.STREAMS, (double) streams);
			result.put(Metric.COMPLETED, (double) completed);
			result.put(Metric.COMPLETE_SECONDS,
					(completed == streams) ? (last - started) / 1e9 : Double.POSITIVE_INFINITY);
			putLatencies(result, latencies);
			result.put(Metric.LOST, (double) client.sum(connections, (c) -> c.missingIn(1, events)));
			result.put(Metric.DUPLICATED, (double) client.sum(connections, SseConnection::trackedDuplicates));
			result.put(Metric.ID_BREAKS, (double) client.sum(connections, (c) -> c.idBreaks));
			result.put(Metric.REPLAYED, (double) client.sum(connections, (c) -> c.replayed));
			result.put(Metric.RESYNCS, (double) client.sum(connections, (c) -> c.resyncs));
			result.put(Metric.DROPS, (double) client.sum(connections, (c) -> c.drops));
			// Reconnected with the final event's id: nothing is left to receive.
			client.reopen(connections);
			long stopDeadline = System.nanoTime() + STOP_WAIT.toNanos();
			while (System.nanoTime() < stopDeadline && client.count(connections, (c) -> c.noContent) < streams) {
				Thread.sleep(20);
			}
			result.put(Metric.TOLD_TO_STOP, (double) client.count(connections, (c) -> c.noContent));
			client.close(connections);
		}
		double complete = liveHeap(this.target.admin("/admin/heap"));
		result.put(Metric.HEAP_MB_AFTER_COMPLETE, (complete - baseline) / (1024 * 1024));
		sleep(expiryWait());
		double expired = liveHeap(this.target.admin("/admin/heap"));
		result.put(Metric.HEAP_MB_AFTER_EXPIRY, (expired - baseline) / (1024 * 1024));
		return result;
	}

	// The store's time to live, and its housekeeping, which runs every second.
	private Duration expiryWait() {
		return this.settings.tokenTimeToLive().plusSeconds(3);
	}

	/**
	 * Returns the server arguments a scenario that runs on its own server needs.
	 * @param scenario the scenario
	 * @param settings its settings
	 * @return arguments, such as the store's time to live of scenario 7
	 */
	static List<String> serverArguments(Scenario scenario, Settings settings) {
		if (scenario == Scenario.S7) {
			return List.of("--sse.replay.store.time-to-live=" + settings.tokenTimeToLive().toMillis() + "ms");
		}
		return List.of();
	}

	/**
	 * Scenario 3, many idle connections: the heap each one costs the server after a
	 * full GC, once heartbeats have flowed, and the resident memory.
	 * @param stream a stream name not used before
	 * @return heap and resident memory per connection, file descriptors and threads
	 */
	Map<String, Double> idleConnections(String stream) throws IOException, InterruptedException {
		Map<String, Double> result = new LinkedHashMap<>();
		try (LoadClient client = client()) {
			// The cost of a connection is measured between half and all of the
			// population: the caches a server fills with its first connections (Tomcat
			// keeps up to 200 processors for reuse) are full by then, and scenarios
			// run before leave nothing behind that would count.
			int count = this.settings.idleConnections();
			int half = count / 2;
			List<SseConnection> first = connect(client, stream, half, false, false);
			sleep(this.settings.heartbeatWait());
			String before = this.target.admin("/admin/heap");
			double liveBefore = liveHeap(before);
			List<SseConnection> second = client.connect(count - half, path(stream), half, false, false,
					this.settings.connectConcurrency(), Duration.ofSeconds(120));
			List<SseConnection> connections = new ArrayList<>(first);
			connections.addAll(second);
			sleep(this.settings.heartbeatWait());
			String after = this.target.admin("/admin/heap");
			double liveAfter = liveHeap(after);
			long added = client.count(second, (c) -> c.streaming);
			result.put(Metric.IDLE_CONNECTED, (double) client.count(connections, (c) -> c.streaming));
			result.put(Metric.HEARTBEAT_SHARE, client.count(connections, (c) -> c.heartbeats > 0) / (double) count);
			result.put(Metric.HEAP_KB_PER_CONNECTION, (liveAfter - liveBefore) / added / 1024);
			result.put(Metric.RSS_KB_PER_CONNECTION,
					(Target.number(after, "rss") - Target.number(before, "rss")) / added / 1024);
			result.put(Metric.DIRECT_KB_PER_CONNECTION,
					(Target.number(after, "direct") - Target.number(before, "direct")) / added / 1024);
			result.put(Metric.SERVER_FDS, Target.number(after, "fds"));
			result.put(Metric.SERVER_THREADS, Target.number(after, "threads"));
			client.close(connections);
		}
		return result;
	}

	// Live objects from a class histogram when the server runs in its own JVM;
	// the heap in use after System.gc() otherwise.
	private double liveHeap(String heapReport) throws IOException, InterruptedException {
		return (this.target.javaHome() != null) ? this.target.liveHeapBytes() : Target.number(heapReport, "heapUsed");
	}

	private void measurePaced(LoadClient client, List<SseConnection> subscribers, String stream, double rate,
			Duration warmup, Map<String, Double> result) throws IOException, InterruptedException {
		try (Publisher publisher = publisher(stream)) {
			publisher.startPaced(rate);
			sleep(warmup);
			client.latencies();
			long received = client.sum(subscribers, (c) -> c.received);
			long published = publisher.sent();
			sleep(this.settings.measure());
			long publishedInWindow = publisher.sent() - published;
			Histogram latencies = client.latencies();
			long receivedInWindow = client.sum(subscribers, (c) -> c.received) - received;
			publisher.stop();
			putLatencies(result, latencies);
			result.put(Metric.PUBLISHED_PER_SECOND, publishedInWindow * 1e9 / this.settings.measure().toNanos());
			result.put(Metric.DELIVERED_SHARE, (publishedInWindow == 0) ? 0.0
					: receivedInWindow / (double) (publishedInWindow * subscribers.size()));
			result.put(Metric.CLOSED_BY_SERVER, (double) client.count(subscribers, (c) -> c.ended || c.failed));
			result.put(Metric.PUBLISH_ERRORS, (double) publisher.errors());
		}
	}

	private double redisCpuSeconds() {
		return (this.redis != null) ? this.redis.cpuSeconds() : Double.NaN;
	}

	private static void putLatencies(Map<String, Double> result, Histogram latencies) {
		result.put(Metric.P50_MS, latencies.getValueAtPercentile(50) / 1000.0);
		result.put(Metric.P99_MS, latencies.getValueAtPercentile(99) / 1000.0);
		result.put(Metric.P999_MS, latencies.getValueAtPercentile(99.9) / 1000.0);
		result.put(Metric.MAX_MS, latencies.getMaxValue() / 1000.0);
		result.put(Metric.SAMPLES, (double) latencies.getTotalCount());
	}

	private LoadClient client() throws IOException {
		return new LoadClient(this.instances, this.settings.workers(), this.origin);
	}

	private Publisher publisher(String stream) throws IOException {
		return new Publisher(this.target.address(), stream, this.settings.payloadBytes(), this.origin);
	}

	private List<SseConnection> connect(LoadClient client, String stream, int count, boolean slow, boolean track)
			throws InterruptedException {
		List<SseConnection> connections = client.connect(count, path(stream), 0, slow, track,
				this.settings.connectConcurrency(), Duration.ofSeconds(120));
		return checkStreaming(client, connections, count);
	}

	// A connect is done when its response head arrives, and Spring MVC sends the
	// hand-written loop's with its first heartbeat: each round of connects in
	// progress can wait for one.
	private List<SseConnection> connect(LoadClient client, IntFunction<String> path, int count, boolean track)
			throws InterruptedException {
		int rounds = (count + this.settings.connectConcurrency() - 1) / this.settings.connectConcurrency();
		Duration timeout = Duration.ofSeconds(120).plus(this.settings.heartbeatWait().multipliedBy(rounds));
		List<SseConnection> connections = client.connect(count, path, 0, false, track,
				this.settings.connectConcurrency(), timeout);
		return checkStreaming(client, connections, count);
	}

	private List<SseConnection> checkStreaming(LoadClient client, List<SseConnection> connections, int count)
			throws InterruptedException {
		long streaming = client.count(connections, (c) -> c.streaming);
		if (streaming < count) {
			throw new IllegalStateException(
					"Only " + streaming + " of " + count + " connections to " + this.instances + " stream ("
							+ client.failedCount() + " failed, " + client.endedCount() + " ended)");
		}
		return connections;
	}

	// The client id is for sse-eventbus, which identifies clients by it across
	// reconnects; the other servers ignore it.
	private static IntFunction<String> path(String stream) {
		return (index) -> "/streams/" + stream + "?client=c" + index;
	}

	// One stream per connection: the connection's index names its stream.
	private static IntFunction<String> streams(String prefix) {
		return (index) -> "/streams/" + prefix + index;
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

}
