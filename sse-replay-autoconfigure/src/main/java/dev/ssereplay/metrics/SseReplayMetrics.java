package dev.ssereplay.metrics;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerStatistics;
import dev.ssereplay.broker.Callback;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.broker.ConnectionLimit;
import dev.ssereplay.broker.SlowConnectionPolicy;
import dev.ssereplay.store.EvictionReason;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.ResyncReason;

/**
 * Binds sse-replay's meters: connections, events published, delivered, replayed
 * and dropped, resyncs, heartbeats, failed callbacks, dropped listener
 * notifications, and the store's size and evictions. Every meter reads a live
 * count; none is tagged with a stream name.
 */
public final class SseReplayMetrics implements MeterBinder {

	private final Broker broker;

	private final ReplayStore store;

	/**
	 * Creates the binder.
	 * @param broker the broker to observe
	 * @param store the store to observe
	 */
	public SseReplayMetrics(Broker broker, ReplayStore store) {
		this.broker = broker;
		this.store = store;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		BrokerStatistics statistics = this.broker.statistics();
		Gauge.builder("sse.replay.connections", this.broker, Broker::connectionCount)
			.description("Connections currently subscribed to a stream")
			.baseUnit(BaseUnits.CONNECTIONS)
			.register(registry);
		Gauge.builder("sse.replay.streams", this.broker, Broker::streamCount)
			.description("Streams with at least one subscriber in this process")
			.register(registry);
		counter(registry, "sse.replay.events.published", "Events appended to the store by this process",
				BaseUnits.EVENTS, statistics, BrokerStatistics::getPublished);
		counter(registry, "sse.replay.events.repeated",
				"Publishes whose idempotency key had been used, so that nothing was stored", BaseUnits.EVENTS,
				statistics, BrokerStatistics::getRepeated);
		counter(registry, "sse.replay.events.delivered", "Live events written to connections", BaseUnits.EVENTS,
				statistics, BrokerStatistics::getDelivered);
		counter(registry, "sse.replay.events.replayed", "Events written from history to resuming connections",
				BaseUnits.EVENTS, statistics, BrokerStatistics::getReplayed);
		for (SlowConnectionPolicy policy : SlowConnectionPolicy.values()) {
			FunctionCounter.builder("sse.replay.events.dropped", statistics, (s) -> s.getDropped(policy))
				.description("Live events not delivered to a slow connection, by the policy applied")
				.baseUnit(BaseUnits.EVENTS)
				.tag("policy", policy.tag())
				.register(registry);
		}
		for (ResyncReason reason : ResyncReason.values()) {
			FunctionCounter.builder("sse.replay.resyncs", statistics, (s) -> s.getResyncs(reason))
				.description("Resync events sent because a position could not be served")
				.baseUnit(BaseUnits.EVENTS)
				.tag("reason", reason.tag())
				.register(registry);
		}
		for (CloseReason reason : CloseReason.values()) {
			if (reason == CloseReason.DENIED) {
				// Never opened: counted as rejected.
				continue;
			}
			FunctionCounter.builder("sse.replay.connections.closed", statistics, (s) -> s.getClosed(reason))
				.description("Connections that ended, by why")
				.baseUnit(BaseUnits.CONNECTIONS)
				.tag("reason", reason.tag())
				.register(registry);
		}
		for (ConnectionLimit limit : ConnectionLimit.values()) {
			FunctionCounter.builder("sse.replay.connections.rejected", statistics, (s) -> s.getRejected(limit))
				.description("Connections refused: at a connection limit, or denied by the application")
				.baseUnit(BaseUnits.CONNECTIONS)
				.tag("reason", limit.tag())
				.register(registry);
		}
		FunctionCounter.builder("sse.replay.connections.rejected", statistics, BrokerStatistics::getDenied)
			.description("Connections refused: at a connection limit, or denied by the application")
			.baseUnit(BaseUnits.CONNECTIONS)
			.tag("reason", "denied")
			.register(registry);
		for (Callback callback : Callback.values()) {
			if (callback == Callback.STORE_LISTENER) {
				FunctionCounter.builder("sse.replay.callback.failures", this.store, ReplayStore::listenerFailures)
					.description("Application callbacks that threw and were isolated, by callback")
					.tag("callback", callback.tag())
					.register(registry);
			}
			else {
				FunctionCounter
					.builder("sse.replay.callback.failures", statistics, (s) -> s.getCallbackFailures(callback))
					.description("Application callbacks that threw and were isolated, by callback")
					.tag("callback", callback.tag())
					.register(registry);
			}
		}
		FunctionCounter
			.builder("sse.replay.listener.notifications.dropped", statistics,
					BrokerStatistics::getListenerNotificationsDropped)
			.description("SubscriptionListener notifications dropped because too many were waiting for a slow listener")
			.register(registry);
		counter(registry, "sse.replay.heartbeats", "Heartbeat comments written to idle connections",
				BaseUnits.EVENTS, statistics, BrokerStatistics::getHeartbeats);
		// A shared store reports -1: a per-instance count would mislead when summed
		// across instances, so the gauge has no value (NaN) rather than a wrong one.
		Gauge.builder("sse.replay.store.events", this.store, (s) -> known(s.eventCount()))
			.description("Events retained by the replay store; no value for a shared store")
			.baseUnit(BaseUnits.EVENTS)
			.register(registry);
		Gauge.builder("sse.replay.store.bytes", this.store, (s) -> known(s.byteCount()))
			.description("Bytes the replay store retains: formatted events and the objects that hold them and their streams; no value for a shared store")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		for (EvictionReason reason : EvictionReason.values()) {
			FunctionCounter.builder("sse.replay.store.evictions", this.store, (s) -> s.evictions(reason))
				.description("Events removed from the replay store to keep a bound, by bound")
				.baseUnit(BaseUnits.EVENTS)
				.tag("reason", reason.tag())
				.register(registry);
		}
	}

	private static double known(long count) {
		return (count < 0) ? Double.NaN : count;
	}

	private static <T> void counter(MeterRegistry registry, String name, String description, String unit, T target,
			ToDoubleFunction<T> count) {
		FunctionCounter.builder(name, target, count).description(description).baseUnit(unit).register(registry);
	}

}
