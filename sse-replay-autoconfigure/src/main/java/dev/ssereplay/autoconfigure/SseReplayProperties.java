package dev.ssereplay.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import dev.ssereplay.broker.SlowConnectionPolicy;
import dev.ssereplay.event.SseFormat;

/**
 * Configuration properties for sse-replay.
 */
@ConfigurationProperties("sse.replay")
public class SseReplayProperties {

	/**
	 * Reconnection delay sent to clients when they connect, as the 'retry:' field.
	 */
	private Duration retry = Duration.ofSeconds(3);

	/**
	 * Name of the event sent when a client's Last-Event-ID cannot be served.
	 */
	private String resyncEvent = "resync";

	/**
	 * Name of the final event of a stream that ends (completed, cancelled, failed
	 * or deleted); its data is {@code {"reason":"<reason>"}}.
	 */
	private String completeEvent = "complete";

	/**
	 * Maximum number of connections subscribed at once; more are answered with 503.
	 */
	private int maxConnections = 10_000;

	/**
	 * Maximum number of connections from one remote address at once; 0 for no
	 * limit. Behind a proxy, set server.forward-headers-strategy so that the
	 * address is the client's.
	 */
	private int maxConnectionsPerAddress;

	/**
	 * Maximum number of connections of one authenticated user at once; 0 for no
	 * limit.
	 */
	private int maxConnectionsPerPrincipal;

	/**
	 * Maximum size of one event's name and data, in UTF-8.
	 */
	private DataSize maxEventSize = DataSize.ofMegabytes(1);

	/**
	 * How long a connection stays open before the server ends it and the client
	 * resumes on a new one; 0 for no limit.
	 */
	private Duration connectionTimeout = Duration.ofMinutes(30);

	private final Store store = new Store();

	private final Connection connection = new Connection();

	private final Heartbeat heartbeat = new Heartbeat();

	private final Writer writer = new Writer();

	private final Listener listener = new Listener();

	private final Tomcat tomcat = new Tomcat();

	private final Jetty jetty = new Jetty();

	public Duration getRetry() {
		return this.retry;
	}

	public void setRetry(Duration retry) {
		requireNotNegative("sse.replay.retry", retry);
		this.retry = retry;
	}

	public String getResyncEvent() {
		return this.resyncEvent;
	}

	public void setResyncEvent(String resyncEvent) {
		if (resyncEvent == null || resyncEvent.isEmpty()) {
			throw new IllegalArgumentException("sse.replay.resync-event must not be empty");
		}
		SseFormat.checkField("event", resyncEvent);
		this.resyncEvent = resyncEvent;
	}

	public String getCompleteEvent() {
		return this.completeEvent;
	}

	public void setCompleteEvent(String completeEvent) {
		if (completeEvent == null || completeEvent.isEmpty()) {
			throw new IllegalArgumentException("sse.replay.complete-event must not be empty");
		}
		SseFormat.checkField("event", completeEvent);
		this.completeEvent = completeEvent;
	}

	public int getMaxConnectionsPerAddress() {
		return this.maxConnectionsPerAddress;
	}

	public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
		requireNotNegative("sse.replay.max-connections-per-address", maxConnectionsPerAddress);
		this.maxConnectionsPerAddress = maxConnectionsPerAddress;
	}

	public int getMaxConnectionsPerPrincipal() {
		return this.maxConnectionsPerPrincipal;
	}

	public void setMaxConnectionsPerPrincipal(int maxConnectionsPerPrincipal) {
		requireNotNegative("sse.replay.max-connections-per-principal", maxConnectionsPerPrincipal);
		this.maxConnectionsPerPrincipal = maxConnectionsPerPrincipal;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		requirePositive("sse.replay.max-connections", maxConnections);
		this.maxConnections = maxConnections;
	}

	public DataSize getMaxEventSize() {
		return this.maxEventSize;
	}

	public void setMaxEventSize(DataSize maxEventSize) {
		requirePositive("sse.replay.max-event-size", maxEventSize.toBytes());
		this.maxEventSize = maxEventSize;
	}

	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(Duration connectionTimeout) {
		requireNotNegative("sse.replay.connection-timeout", connectionTimeout);
		this.connectionTimeout = connectionTimeout;
	}

	public Store getStore() {
		return this.store;
	}

	public Connection getConnection() {
		return this.connection;
	}

	/**
	 * Returns the per-connection properties under their former name,
	 * {@code sse.replay.subscriber}, bound to the same values.
	 * @return the per-connection properties
	 * @deprecated since 0.1.0 in favour of {@link #getConnection()}
	 */
	@Deprecated(since = "0.1.0", forRemoval = true)
	@DeprecatedConfigurationProperty(replacement = "sse.replay.connection",
			reason = "One name for a client's open stream, as in sse.replay.max-connections")
	public Connection getSubscriber() {
		return this.connection;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Writer getWriter() {
		return this.writer;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Tomcat getTomcat() {
		return this.tomcat;
	}

	public Jetty getJetty() {
		return this.jetty;
	}

	static void requirePositive(String property, long value) {
		if (value < 1) {
			throw new IllegalArgumentException(property + " must be positive, was " + value);
		}
	}

	static DataSize requireBufferSize(String property, DataSize value) {
		if (value != null && (value.toBytes() < 1 || value.toBytes() > Integer.MAX_VALUE)) {
			throw new IllegalArgumentException(property + " must be between 1B and 2GB, was " + value);
		}
		return value;
	}

	static void requireNotNegative(String property, long value) {
		if (value < 0) {
			throw new IllegalArgumentException(property + " must be zero or positive, was " + value);
		}
	}

	static void requireNotNegative(String property, Duration value) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException(property + " must be zero or positive, was " + value);
		}
	}

	static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive, was " + value);
		}
	}

	/**
	 * Where the history of streams is kept.
	 */
	public enum StoreType {

		/**
		 * In this process's memory: one application instance, nothing to set up.
		 */
		MEMORY,

		/**
		 * In Redis, shared by every instance of the application.
		 */
		REDIS

	}

	/**
	 * Replay store properties.
	 */
	public static class Store {

		/**
		 * Where the history of streams is kept.
		 */
		private StoreType type = StoreType.MEMORY;

		/**
		 * Maximum number of events kept per stream; older ones are removed.
		 */
		private int maxEventsPerStream = 1000;

		/**
		 * Maximum heap the in-memory store retains for all streams together: the
		 * formatted events and an estimate of the objects that hold them and their
		 * streams; the oldest events are removed first.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(64);

		/**
		 * How long an event is kept for clients that resume.
		 */
		private Duration timeToLive = Duration.ofHours(1);

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public int getMaxEventsPerStream() {
			return this.maxEventsPerStream;
		}

		public void setMaxEventsPerStream(int maxEventsPerStream) {
			requirePositive("sse.replay.store.max-events-per-stream", maxEventsPerStream);
			this.maxEventsPerStream = maxEventsPerStream;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			requirePositive("sse.replay.store.max-bytes", maxBytes.toBytes());
			this.maxBytes = maxBytes;
		}

		public Duration getTimeToLive() {
			return this.timeToLive;
		}

		public void setTimeToLive(Duration timeToLive) {
			requirePositive("sse.replay.store.time-to-live", timeToLive);
			this.timeToLive = timeToLive;
		}

	}

	/**
	 * Per-connection properties.
	 */
	public static class Connection {

		/**
		 * Maximum number of live events queued for one connection before the
		 * slow-connection policy applies.
		 */
		private int queueDepth = 256;

		/**
		 * What happens to a connection whose queue is full: 'close' ends the
		 * connection after what is queued (the client resumes from the store),
		 * 'drop' discards events and sends the resync event, 'remove' ends the
		 * connection at once.
		 */
		private SlowConnectionPolicy slowPolicy = SlowConnectionPolicy.CLOSE;

		/**
		 * Maximum number of events read from the store and written at once while a
		 * resuming connection replays.
		 */
		private int replayBatchSize = 500;

		/**
		 * How long a subscription may wait for its emitter to be returned to Spring MVC
		 * before it is released and its connection slot returned; covers a handler
		 * that throws after subscribing.
		 */
		private Duration startTimeout = Duration.ofSeconds(10);

		/**
		 * How long a connection the server ended for slowness ('close' or 'remove') or
		 * at shutdown, or while its client was not reading, stays open for the client
		 * to read its end before its socket is reset; 0 resets it as soon as the
		 * response has ended. Applies on Tomcat's NIO connector, to HTTP/1.1.
		 */
		private Duration closeGrace = Duration.ofSeconds(5);

		public int getQueueDepth() {
			return this.queueDepth;
		}

		public void setQueueDepth(int queueDepth) {
			requirePositive("sse.replay.connection.queue-depth", queueDepth);
			this.queueDepth = queueDepth;
		}

		public SlowConnectionPolicy getSlowPolicy() {
			return this.slowPolicy;
		}

		public void setSlowPolicy(SlowConnectionPolicy slowPolicy) {
			this.slowPolicy = slowPolicy;
		}

		public int getReplayBatchSize() {
			return this.replayBatchSize;
		}

		public void setReplayBatchSize(int replayBatchSize) {
			requirePositive("sse.replay.connection.replay-batch-size", replayBatchSize);
			this.replayBatchSize = replayBatchSize;
		}

		public Duration getStartTimeout() {
			return this.startTimeout;
		}

		public void setStartTimeout(Duration startTimeout) {
			requirePositive("sse.replay.connection.start-timeout", startTimeout);
			this.startTimeout = startTimeout;
		}

		public Duration getCloseGrace() {
			return this.closeGrace;
		}

		public void setCloseGrace(Duration closeGrace) {
			requireNotNegative("sse.replay.connection.close-grace", closeGrace);
			this.closeGrace = closeGrace;
		}

	}

	/**
	 * Heartbeat properties.
	 */
	public static class Heartbeat {

		/**
		 * Idle time after which a heartbeat comment is written to a connection,
		 * which keeps proxies from closing it and finds dead clients; 0 disables.
		 */
		private Duration interval = Duration.ofSeconds(15);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			requireNotNegative("sse.replay.heartbeat.interval", interval);
			this.interval = interval;
		}

	}

	/**
	 * Properties of the threads that write to connections.
	 */
	public static class Writer {

		/**
		 * Whether to write event streams with non-blocking servlet output, so that a
		 * client that stops reading holds no thread and its events wait in its queue.
		 * When off, streams are written through SseEmitter.send, whose writes block on
		 * such a client and are made up for by extra writer threads.
		 */
		private boolean nonBlocking = true;

		/**
		 * Number of writer threads for normal work; 0 for the number of processors.
		 * Not used with virtual threads (spring.threads.virtual.enabled on Java 21+).
		 */
		private int threads = 0;

		/**
		 * How long a write may block on a client that is not reading before another
		 * writer thread is added to make up for it. Only blocking writes block: with
		 * non-blocking output, those of a ResponseEntity-wrapped or custom connection.
		 */
		private Duration stallThreshold = Duration.ofMillis(500);

		/**
		 * Maximum number of writer threads added for blocked writes.
		 */
		private int maxExtraThreads = 512;

		public boolean isNonBlocking() {
			return this.nonBlocking;
		}

		public void setNonBlocking(boolean nonBlocking) {
			this.nonBlocking = nonBlocking;
		}

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			if (threads < 0) {
				throw new IllegalArgumentException("sse.replay.writer.threads must not be negative, was " + threads);
			}
			this.threads = threads;
		}

		public Duration getStallThreshold() {
			return this.stallThreshold;
		}

		public void setStallThreshold(Duration stallThreshold) {
			requirePositive("sse.replay.writer.stall-threshold", stallThreshold);
			this.stallThreshold = stallThreshold;
		}

		public int getMaxExtraThreads() {
			return this.maxExtraThreads;
		}

		public void setMaxExtraThreads(int maxExtraThreads) {
			if (maxExtraThreads < 0) {
				throw new IllegalArgumentException(
						"sse.replay.writer.max-extra-threads must not be negative, was " + maxExtraThreads);
			}
			this.maxExtraThreads = maxExtraThreads;
		}

	}

	/**
	 * Properties of telling SubscriptionListener beans that connections started and
	 * ended.
	 */
	public static class Listener {

		/**
		 * Maximum number of notifications waiting for the SubscriptionListener beans,
		 * which are told on one thread; later ones are dropped and counted in
		 * sse.replay.listener.notifications.dropped.
		 */
		private int queueDepth = 10_000;

		public int getQueueDepth() {
			return this.queueDepth;
		}

		public void setQueueDepth(int queueDepth) {
			requirePositive("sse.replay.listener.queue-depth", queueDepth);
			this.queueDepth = queueDepth;
		}

	}

	/**
	 * Per-connection buffer sizes of an embedded Tomcat, for applications that hold
	 * many idle event streams. Every connection keeps these buffers for as long as
	 * its stream is open; unset, Tomcat's defaults (8 KB each) stay. They apply to
	 * every connection of the server, not only to event streams.
	 */
	public static class Tomcat {

		/**
		 * Size of the buffer each connection's socket reads into (Tomcat's
		 * 'socket.appReadBufSize'). Requests are read in pieces of this size.
		 */
		private DataSize socketReadBuffer;

		/**
		 * Size of the buffer each connection's socket writes from (Tomcat's
		 * 'socket.appWriteBufSize'). A write larger than it takes more than one
		 * system call.
		 */
		private DataSize socketWriteBuffer;

		/**
		 * Size of each response's output buffer, in bytes and in characters (Tomcat
		 * allocates both). A response that outgrows it is committed and sent in
		 * chunks rather than with a Content-Length. Needs Tomcat's default HTTP/1.1
		 * NIO protocol.
		 */
		private DataSize responseBuffer;

		public DataSize getSocketReadBuffer() {
			return this.socketReadBuffer;
		}

		public void setSocketReadBuffer(DataSize socketReadBuffer) {
			this.socketReadBuffer = requireBufferSize("sse.replay.tomcat.socket-read-buffer", socketReadBuffer);
		}

		public DataSize getSocketWriteBuffer() {
			return this.socketWriteBuffer;
		}

		public void setSocketWriteBuffer(DataSize socketWriteBuffer) {
			this.socketWriteBuffer = requireBufferSize("sse.replay.tomcat.socket-write-buffer", socketWriteBuffer);
		}

		public DataSize getResponseBuffer() {
			return this.responseBuffer;
		}

		public void setResponseBuffer(DataSize responseBuffer) {
			this.responseBuffer = requireBufferSize("sse.replay.tomcat.response-buffer", responseBuffer);
		}

		boolean isSet() {
			return this.socketReadBuffer != null || this.socketWriteBuffer != null || this.responseBuffer != null;
		}

	}

	/**
	 * Each response's output buffer on an embedded Jetty, for applications that
	 * hold many idle event streams. A response keeps its buffer from its first
	 * aggregated write until it ends, so with Jetty's defaults every open stream
	 * keeps 32 KB of direct memory; unset, Jetty's defaults stay. They apply to
	 * every response of the server, not only to event streams.
	 */
	public static class Jetty {

		/**
		 * Size of each response's output buffer (Jetty's 'outputBufferSize'). A write
		 * larger than it goes to the network in pieces of this size. Setting it also
		 * sets the aggregation size to a quarter of it unless response-aggregation is
		 * set.
		 */
		private DataSize responseBuffer;

		/**
		 * Largest write that is copied into the response's output buffer rather than
		 * written to the network at once (Jetty's 'outputAggregationSize'); 0 writes
		 * every write at once, so that an open event stream holds no buffer; every
		 * response whose length the application does not set is then sent in chunks
		 * rather than with a Content-Length.
		 */
		private DataSize responseAggregation;

		/**
		 * Maximum number of connections the operating system holds for the server to
		 * accept (the listen backlog, Jetty's 'acceptQueueSize'); Jetty's default
		 * leaves it to the JDK, which asks for 50. When every client of an instance
		 * reconnects at once, the connections beyond it are refused and retried by
		 * the clients' TCP a second or more later. The kernel caps it at
		 * net.core.somaxconn.
		 */
		private Integer acceptQueueSize;

		public DataSize getResponseBuffer() {
			return this.responseBuffer;
		}

		public void setResponseBuffer(DataSize responseBuffer) {
			this.responseBuffer = requireBufferSize("sse.replay.jetty.response-buffer", responseBuffer);
		}

		public DataSize getResponseAggregation() {
			return this.responseAggregation;
		}

		public void setResponseAggregation(DataSize responseAggregation) {
			if (responseAggregation != null
					&& (responseAggregation.toBytes() < 0 || responseAggregation.toBytes() > Integer.MAX_VALUE)) {
				throw new IllegalArgumentException(
						"sse.replay.jetty.response-aggregation must be between 0B and 2GB, was " + responseAggregation);
			}
			this.responseAggregation = responseAggregation;
		}

		public Integer getAcceptQueueSize() {
			return this.acceptQueueSize;
		}

		public void setAcceptQueueSize(Integer acceptQueueSize) {
			if (acceptQueueSize != null && acceptQueueSize < 1) {
				throw new IllegalArgumentException(
						"sse.replay.jetty.accept-queue-size must be positive, was " + acceptQueueSize);
			}
			this.acceptQueueSize = acceptQueueSize;
		}

		boolean isSet() {
			return this.responseBuffer != null || this.responseAggregation != null || this.acceptQueueSize != null;
		}

	}

}
