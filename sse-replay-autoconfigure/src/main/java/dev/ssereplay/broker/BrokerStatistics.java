package dev.ssereplay.broker;

import java.util.concurrent.atomic.LongAdder;

import dev.ssereplay.store.ResyncReason;

/**
 * Monotonic counts of what a broker did, cheap to update on hot paths and read
 * by metrics binders.
 */
public final class BrokerStatistics {

	private final LongAdder published = new LongAdder();

	private final LongAdder repeated = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private final LongAdder replayed = new LongAdder();

	private final LongAdder heartbeats = new LongAdder();

	private final LongAdder[] rejected = adders(ConnectionLimit.values().length);

	private final LongAdder denied = new LongAdder();

	private final LongAdder[] dropped = adders(SlowConnectionPolicy.values().length);

	private final LongAdder[] resyncs = adders(ResyncReason.values().length);

	private final LongAdder[] closed = adders(CloseReason.values().length);

	private final LongAdder[] callbackFailures = adders(Callback.values().length);

	private final LongAdder listenerNotificationsDropped = new LongAdder();

	BrokerStatistics() {
	}

	/**
	 * Counts an event accepted for publishing.
	 */
	void published() {
		this.published.increment();
	}

	/**
	 * Returns the events published.
	 * @return count
	 */
	public long getPublished() {
		return this.published.sum();
	}

	/**
	 * Counts a publish whose idempotency key had been used, so nothing was stored.
	 */
	void repeated() {
		this.repeated.increment();
	}

	/**
	 * Returns the publishes whose idempotency key had been used, so that nothing
	 * was stored.
	 * @return count
	 */
	public long getRepeated() {
		return this.repeated.sum();
	}

	/**
	 * Returns the live events written to connections.
	 * @return count
	 */
	public long getDelivered() {
		return this.delivered.sum();
	}

	/**
	 * Returns the events written from history to catch subscribers up.
	 * @return count
	 */
	public long getReplayed() {
		return this.replayed.sum();
	}

	/**
	 * Returns the heartbeats written.
	 * @return count
	 */
	public long getHeartbeats() {
		return this.heartbeats.sum();
	}

	/**
	 * Returns the connections refused because a connection limit was reached.
	 * @return count, all limits together
	 */
	public long getRejected() {
		long sum = 0;
		for (LongAdder adder : this.rejected) {
			sum += adder.sum();
		}
		return sum;
	}

	/**
	 * Returns the subscriptions the application's authorizer denied.
	 * @return count
	 */
	public long getDenied() {
		return this.denied.sum();
	}

	/**
	 * Returns the connections refused by one limit.
	 * @param limit the limit
	 * @return count
	 */
	public long getRejected(ConnectionLimit limit) {
		return this.rejected[limit.ordinal()].sum();
	}

	/**
	 * Returns the live events not delivered because of a slow connection.
	 * @param policy the policy that was applied
	 * @return count
	 */
	public long getDropped(SlowConnectionPolicy policy) {
		return this.dropped[policy.ordinal()].sum();
	}

	/**
	 * Returns the resync events sent.
	 * @param reason why
	 * @return count
	 */
	public long getResyncs(ResyncReason reason) {
		return this.resyncs[reason.ordinal()].sum();
	}

	/**
	 * Returns the connections that ended.
	 * @param reason how
	 * @return count
	 */
	public long getClosed(CloseReason reason) {
		return this.closed[reason.ordinal()].sum();
	}

	/**
	 * Returns the failures of one kind of application callback.
	 * @param callback the kind
	 * @return count
	 */
	public long getCallbackFailures(Callback callback) {
		return this.callbackFailures[callback.ordinal()].sum();
	}

	/**
	 * Returns the notifications of connections that started or ended that the
	 * {@link SubscriptionListener}s were not told, because too many were waiting
	 * for them.
	 * @return count
	 */
	public long getListenerNotificationsDropped() {
		return this.listenerNotificationsDropped.sum();
	}

	void callbackFailed(Callback callback) {
		this.callbackFailures[callback.ordinal()].increment();
	}

	void listenerNotificationDropped() {
		this.listenerNotificationsDropped.increment();
	}

	void delivered(long count) {
		this.delivered.add(count);
	}

	void replayed(long count) {
		this.replayed.add(count);
	}

	void heartbeat() {
		this.heartbeats.increment();
	}

	void denied() {
		this.denied.increment();
	}

	void rejected(ConnectionLimit limit) {
		this.rejected[limit.ordinal()].increment();
	}

	void dropped(SlowConnectionPolicy policy, long count) {
		this.dropped[policy.ordinal()].add(count);
	}

	void resync(ResyncReason reason) {
		this.resyncs[reason.ordinal()].increment();
	}

	void closed(CloseReason reason) {
		this.closed[reason.ordinal()].increment();
	}

	private static LongAdder[] adders(int count) {
		LongAdder[] adders = new LongAdder[count];
		for (int i = 0; i < count; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

}
