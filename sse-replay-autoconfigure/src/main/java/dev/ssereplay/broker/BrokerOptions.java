package dev.ssereplay.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Broker} treats its connections. Built by name, so that no two
 * settings can be swapped by mistake:
 * <pre class="code">
 * BrokerOptions options = BrokerOptions.builder().queueDepth(64).slowPolicy(SlowConnectionPolicy.DROP).build();
 * </pre>
 * Immutable.
 */
public final class BrokerOptions {

	private static final BrokerOptions DEFAULTS = builder().build();

	private final int queueDepth;

	private final SlowConnectionPolicy slowPolicy;

	private final Duration heartbeatInterval;

	private final Duration retry;

	private final String resyncEventName;

	private final int maxConnections;

	private final int replayBatchSize;

	private final Duration stallThreshold;

	private final Duration startTimeout;

	private final int maxConnectionsPerAddress;

	private final int maxConnectionsPerPrincipal;

	private final int listenerQueueDepth;

	private BrokerOptions(Builder builder) {
		this.queueDepth = builder.queueDepth;
		this.slowPolicy = builder.slowPolicy;
		this.heartbeatInterval = builder.heartbeatInterval;
		this.retry = builder.retry;
		this.resyncEventName = builder.resyncEventName;
		this.maxConnections = builder.maxConnections;
		this.replayBatchSize = builder.replayBatchSize;
		this.stallThreshold = builder.stallThreshold;
		this.startTimeout = builder.startTimeout;
		this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
		this.maxConnectionsPerPrincipal = builder.maxConnectionsPerPrincipal;
		this.listenerQueueDepth = builder.listenerQueueDepth;
	}

	/**
	 * Returns a builder that starts from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the defaults: 256 queued events, {@link SlowConnectionPolicy#CLOSE},
	 * heartbeats after 15 seconds, retry 3 seconds, event {@code resync}, 10,000
	 * connections, replay in pages of 500, stall threshold 500 ms, start timeout
	 * 10 seconds, no limit per address or per user, 10,000 notifications waiting
	 * for the {@link SubscriptionListener}s.
	 * @return the default options
	 */
	public static BrokerOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns the most live events queued per connection.
	 * @return the queue depth
	 */
	public int queueDepth() {
		return this.queueDepth;
	}

	/**
	 * Returns what happens when a connection's queue is full.
	 * @return the policy
	 */
	public SlowConnectionPolicy slowPolicy() {
		return this.slowPolicy;
	}

	/**
	 * Returns the idle time after which a heartbeat comment is written.
	 * @return the interval; zero when heartbeats are off
	 */
	public Duration heartbeatInterval() {
		return this.heartbeatInterval;
	}

	/**
	 * Returns the reconnection delay sent to clients when they connect.
	 * @return the delay, or {@code null} when none is sent
	 */
	public Duration retry() {
		return this.retry;
	}

	/**
	 * Returns the name of the event sent when a position cannot be served.
	 * @return the event name
	 */
	public String resyncEventName() {
		return this.resyncEventName;
	}

	/**
	 * Returns the most connections at once.
	 * @return the limit
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * Returns the most events read from the store at once while replaying.
	 * @return the page size
	 */
	public int replayBatchSize() {
		return this.replayBatchSize;
	}

	/**
	 * Returns how long a write may block before the writer pool adds a thread to
	 * make up for it.
	 * @return the threshold
	 */
	public Duration stallThreshold() {
		return this.stallThreshold;
	}

	/**
	 * Returns how long a subscription may wait for its connection to be served
	 * (the emitter returned to Spring MVC) before it is released.
	 * @return the timeout
	 */
	public Duration startTimeout() {
		return this.startTimeout;
	}

	/**
	 * Returns the most connections from one remote address.
	 * @return the limit; 0 for none
	 */
	public int maxConnectionsPerAddress() {
		return this.maxConnectionsPerAddress;
	}

	/**
	 * Returns the most connections of one authenticated user.
	 * @return the limit; 0 for none
	 */
	public int maxConnectionsPerPrincipal() {
		return this.maxConnectionsPerPrincipal;
	}

	/**
	 * Returns the most notifications that wait for the {@link SubscriptionListener}s
	 * to be told; more are dropped.
	 * @return the limit
	 */
	public int listenerQueueDepth() {
		return this.listenerQueueDepth;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof BrokerOptions that && this.queueDepth == that.queueDepth
				&& this.slowPolicy == that.slowPolicy && this.heartbeatInterval.equals(that.heartbeatInterval)
				&& Objects.equals(this.retry, that.retry) && this.resyncEventName.equals(that.resyncEventName)
				&& this.maxConnections == that.maxConnections && this.replayBatchSize == that.replayBatchSize
				&& this.stallThreshold.equals(that.stallThreshold) && this.startTimeout.equals(that.startTimeout)
				&& this.maxConnectionsPerAddress == that.maxConnectionsPerAddress
				&& this.maxConnectionsPerPrincipal == that.maxConnectionsPerPrincipal
				&& this.listenerQueueDepth == that.listenerQueueDepth;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.queueDepth, this.slowPolicy, this.heartbeatInterval, this.retry,
				this.resyncEventName, this.maxConnections, this.replayBatchSize, this.stallThreshold, this.startTimeout,
				this.maxConnectionsPerAddress, this.maxConnectionsPerPrincipal, this.listenerQueueDepth);
	}

	@Override
	public String toString() {
		return "BrokerOptions[queueDepth=" + this.queueDepth + ", slowPolicy=" + this.slowPolicy
				+ ", heartbeatInterval=" + this.heartbeatInterval + ", retry=" + this.retry + ", resyncEventName="
				+ this.resyncEventName + ", maxConnections=" + this.maxConnections + ", replayBatchSize="
				+ this.replayBatchSize + ", stallThreshold=" + this.stallThreshold + ", startTimeout="
				+ this.startTimeout + ", maxConnectionsPerAddress=" + this.maxConnectionsPerAddress
				+ ", maxConnectionsPerPrincipal=" + this.maxConnectionsPerPrincipal + ", listenerQueueDepth="
				+ this.listenerQueueDepth + "]";
	}

	/**
	 * Builds {@link BrokerOptions}; every setting starts at its default and is
	 * checked when set.
	 */
	public static final class Builder {

		private int queueDepth = 256;

		private SlowConnectionPolicy slowPolicy = SlowConnectionPolicy.CLOSE;

		private Duration heartbeatInterval = Duration.ofSeconds(15);

		private Duration retry = Duration.ofSeconds(3);

		private String resyncEventName = "resync";

		private int maxConnections = 10_000;

		private int replayBatchSize = 500;

		private Duration stallThreshold = Duration.ofMillis(500);

		private Duration startTimeout = Duration.ofSeconds(10);

		private int maxConnectionsPerAddress;

		private int maxConnectionsPerPrincipal;

		private int listenerQueueDepth = 10_000;

		private Builder() {
		}

		/**
		 * Sets the most live events queued per connection.
		 * @param queueDepth positive
		 * @return this builder
		 */
		public Builder queueDepth(int queueDepth) {
			this.queueDepth = OptionChecks.positive("queueDepth", queueDepth);
			return this;
		}

		/**
		 * Sets what happens when a connection's queue is full.
		 * @param slowPolicy not {@code null}
		 * @return this builder
		 */
		public Builder slowPolicy(SlowConnectionPolicy slowPolicy) {
			this.slowPolicy = OptionChecks.notNull("slowPolicy", slowPolicy);
			return this;
		}

		/**
		 * Sets the idle time after which a heartbeat comment is written.
		 * @param heartbeatInterval zero (no heartbeats) or positive
		 * @return this builder
		 */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = OptionChecks.zeroOrPositive("heartbeatInterval", heartbeatInterval);
			return this;
		}

		/**
		 * Sets the reconnection delay sent to clients when they connect.
		 * @param retry {@code null} to send none, zero or positive
		 * @return this builder
		 */
		public Builder retry(Duration retry) {
			this.retry = OptionChecks.notNegative("retry", retry);
			return this;
		}

		/**
		 * Sets the name of the event sent when a position cannot be served.
		 * @param resyncEventName a valid event name
		 * @return this builder
		 */
		public Builder resyncEventName(String resyncEventName) {
			this.resyncEventName = OptionChecks.eventName("resyncEventName", resyncEventName);
			return this;
		}

		/**
		 * Sets the most connections at once.
		 * @param maxConnections positive
		 * @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = OptionChecks.positive("maxConnections", maxConnections);
			return this;
		}

		/**
		 * Sets the most events read from the store at once while replaying.
		 * @param replayBatchSize positive
		 * @return this builder
		 */
		public Builder replayBatchSize(int replayBatchSize) {
			this.replayBatchSize = OptionChecks.positive("replayBatchSize", replayBatchSize);
			return this;
		}

		/**
		 * Sets how long a write may block before the writer pool adds a thread.
		 * @param stallThreshold positive
		 * @return this builder
		 */
		public Builder stallThreshold(Duration stallThreshold) {
			this.stallThreshold = OptionChecks.positive("stallThreshold", stallThreshold);
			return this;
		}

		/**
		 * Sets how long a subscription may wait for its connection to be served
		 * before it is released and its slot returned.
		 * @param startTimeout positive
		 * @return this builder
		 */
		public Builder startTimeout(Duration startTimeout) {
			this.startTimeout = OptionChecks.positive("startTimeout", startTimeout);
			return this;
		}

		/**
		 * Sets the most connections from one remote address.
		 * @param maxConnectionsPerAddress 0 for no limit, or positive
		 * @return this builder
		 */
		public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
			this.maxConnectionsPerAddress = OptionChecks.notNegative("maxConnectionsPerAddress", maxConnectionsPerAddress);
			return this;
		}

		/**
		 * Sets the most connections of one authenticated user.
		 * @param maxConnectionsPerPrincipal 0 for no limit, or positive
		 * @return this builder
		 */
		public Builder maxConnectionsPerPrincipal(int maxConnectionsPerPrincipal) {
			this.maxConnectionsPerPrincipal = OptionChecks.notNegative("maxConnectionsPerPrincipal", maxConnectionsPerPrincipal);
			return this;
		}

		/**
		 * Sets the most notifications that wait for the {@link SubscriptionListener}s
		 * to be told; more are dropped and counted.
		 * @param listenerQueueDepth positive
		 * @return this builder
		 */
		public Builder listenerQueueDepth(int listenerQueueDepth) {
			this.listenerQueueDepth = OptionChecks.positive("listenerQueueDepth", listenerQueueDepth);
			return this;
		}

		/**
		 * Returns the options.
		 * @return the options as set
		 */
		public BrokerOptions build() {
			return new BrokerOptions(this);
		}

	}

}
