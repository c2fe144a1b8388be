package dev.ssereplay.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

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

	@NestedConfigurationProperty
	private final SseReplayStoreProperties store = new SseReplayStoreProperties();

	@NestedConfigurationProperty
	private final SseReplayConnectionProperties connection = new SseReplayConnectionProperties();

	private final Heartbeat heartbeat = new Heartbeat();

	@NestedConfigurationProperty
	private final SseReplayWriterProperties writer = new SseReplayWriterProperties();

	private final Listener listener = new Listener();

	@NestedConfigurationProperty
	private final SseReplayTomcatProperties tomcat = new SseReplayTomcatProperties();

	@NestedConfigurationProperty
	private final SseReplayJettyProperties jetty = new SseReplayJettyProperties();

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

	public SseReplayStoreProperties getStore() {
		return this.store;
	}

	public SseReplayConnectionProperties getConnection() {
		return this.connection;
	}

	/**
	 * Returns the per-connection properties under their former name,
	 * {@code sse.replay.subscriber}, bound to the same values.
	 * @return the per-connection properties
	 * @deprecated since 0.1.0 in favour of {@link #getConnection()}
	 */
	@Deprecated(since = "0.1.0", forRemoval = true)
	@NestedConfigurationProperty
	@DeprecatedConfigurationProperty(replacement = "sse.replay.connection",
			reason = "One name for a client's open stream, as in sse.replay.max-connections")
	public SseReplayConnectionProperties getSubscriber() {
		return this.connection;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public SseReplayWriterProperties getWriter() {
		return this.writer;
	}

	public Listener getListener() {
		return this.listener;
	}

	public SseReplayTomcatProperties getTomcat() {
		return this.tomcat;
	}

	public SseReplayJettyProperties getJetty() {
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

}
