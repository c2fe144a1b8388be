package dev.ssereplay.web;

import java.util.Set;

import dev.ssereplay.broker.SlowConnectionPolicy;

/**
 * How one subscription differs from the defaults the {@code sse.replay.*}
 * properties set: a dashboard can take the {@code drop} policy while an audit
 * feed keeps {@code close}.
 *
 * <pre class="code">
 * sseReplay.subscribe("dashboard", SubscribeOptions.builder()
 *     .slowPolicy(SlowConnectionPolicy.DROP)
 *     .queueDepth(64)
 *     .eventNames(Set.of("tick"))
 *     .build());
 * </pre>
 */
public final class SubscribeOptions {

	private static final SubscribeOptions DEFAULTS = builder().build();

	private final String lastEventId;

	private final boolean lastEventIdGiven;

	private final Set<String> eventNames;

	private final int queueDepth;

	private final SlowConnectionPolicy slowPolicy;

	private SubscribeOptions(Builder builder) {
		this.lastEventId = builder.lastEventId;
		this.lastEventIdGiven = builder.lastEventIdGiven;
		this.eventNames = builder.eventNames;
		this.queueDepth = builder.queueDepth;
		this.slowPolicy = builder.slowPolicy;
	}

	/**
	 * Returns options that change nothing: the position is read from the request.
	 * @return the defaults
	 */
	public static SubscribeOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts building options.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	String lastEventId() {
		return this.lastEventId;
	}

	boolean isLastEventIdGiven() {
		return this.lastEventIdGiven;
	}

	Set<String> eventNames() {
		return this.eventNames;
	}

	int queueDepth() {
		return this.queueDepth;
	}

	SlowConnectionPolicy slowPolicy() {
		return this.slowPolicy;
	}

	/**
	 * Builds {@link SubscribeOptions}; every setting is optional.
	 */
	public static final class Builder {

		private String lastEventId;

		private boolean lastEventIdGiven;

		private Set<String> eventNames;

		private int queueDepth;

		private SlowConnectionPolicy slowPolicy;

		private Builder() {
		}

		/**
		 * Resumes after this id rather than the request's {@code Last-Event-ID}.
		 * @param lastEventId the id, or {@code null} (or empty) for a fresh connect
		 * @return this builder
		 */
		public Builder lastEventId(String lastEventId) {
			this.lastEventId = lastEventId;
			this.lastEventIdGiven = true;
			return this;
		}

		/**
		 * Delivers only events with these names (an unnamed event is named
		 * {@code message}; a stream's final event is always delivered).
		 * @param eventNames the names, or {@code null} or empty for all
		 * @return this builder
		 */
		public Builder eventNames(Set<String> eventNames) {
			this.eventNames = (eventNames == null || eventNames.isEmpty()) ? null : Set.copyOf(eventNames);
			return this;
		}

		/**
		 * Sets the most live events queued for this connection.
		 * @param queueDepth positive
		 * @return this builder
		 */
		public Builder queueDepth(int queueDepth) {
			if (queueDepth < 1) {
				throw new IllegalArgumentException("queueDepth must be positive, was " + queueDepth);
			}
			this.queueDepth = queueDepth;
			return this;
		}

		/**
		 * Sets what happens when this connection's queue is full.
		 * @param slowPolicy the policy
		 * @return this builder
		 */
		public Builder slowPolicy(SlowConnectionPolicy slowPolicy) {
			this.slowPolicy = slowPolicy;
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 */
		public SubscribeOptions build() {
			return new SubscribeOptions(this);
		}

	}

}
