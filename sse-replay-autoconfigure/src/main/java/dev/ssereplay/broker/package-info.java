/**
 * The broker: the connections of each stream and everything written to them.
 * It knows nothing of HTTP.
 * <p>
 * To follow a publish: {@link dev.ssereplay.broker.Broker#publish} appends to the
 * store; the store hands the stored event to {@code Broker.dispatch}, its
 * listener, which offers it to every {@code Subscriber} of the stream (one per
 * connection); the subscriber queues it and wakes its writer.
 * <p>
 * To follow a connect: {@link dev.ssereplay.broker.Broker#subscribe} registers a
 * {@code Subscriber} first, reads the head for a fresh or malformed position,
 * then starts it. Its life is one {@code Subscriber.Phase} (new, replaying,
 * live, closing, closed). Each job has its own class:
 * <ul>
 * <li>{@code Subscriber}: the bounded queue, the slow-connection policy, the
 * phase, and one writer run ({@code step});</li>
 * <li>{@code ConnectionWriter}: what a run collects (the start, live events,
 * pages of history, a heartbeat) and writes with one flush, and which writing
 * phase each leaves the connection in;</li>
 * <li>{@code LiveQueue}: that queue, an array ring that publishers fill without
 * a lock and that allocates nothing per event;</li>
 * <li>{@code SerialRunner}: the one hand-off between the threads that have work
 * for a connection and its writer, which runs at most once at a time and parks
 * while the connection cannot take a write;</li>
 * <li>{@code ReplayCursor}: the position, the event-name filter and every "write
 * it, skip it, or read the store" decision, confined to the writer;</li>
 * <li>{@code HistoryPages}: the pages of history the writer asks the store for
 * ({@code ReplayStore.readAfterAsync}), one at a time and never waited for, so
 * that a slow store delays only the connection that asked;</li>
 * <li>{@code ConnectionTimes}: when the connection was created, when its
 * authorization ends, when it was last written, and whether a write is under
 * way: what the housekeeping tick decides from;</li>
 * <li>{@code LifecycleReport}: what the connection replayed and delivered, and
 * its start and end as {@code SubscriptionListener}s are told them;</li>
 * <li>{@code FrameBatch}: the frames of one run, written with one flush, and
 * kept for the next run;</li>
 * <li>{@link dev.ssereplay.broker.Connection}: the transport, implemented by the
 * web layer.</li>
 * </ul>
 * <p>
 * Around the connections, the broker's own jobs: {@code Registrations}, the
 * order in which a connection takes its slot, joins its stream and starts, and
 * its release, once; {@code StreamSubscribers}, the connections of each stream
 * that dispatch reads without a lock; {@code ConnectionSlots}, the connection
 * limits; {@code Housekeeping}, the tick for heartbeats, blocked writes and store
 * expiry; {@link dev.ssereplay.broker.ElasticWriterPool}, the writer threads,
 * whose runs wait in a {@code WriterQueue}; {@code LifecycleNotifier}, which
 * tells {@link dev.ssereplay.broker.SubscriptionListener}s on a thread of its
 * own; {@code CallbackFailureLog}, which counts and logs application code that
 * threw; and {@code OptionChecks}, the checks a setting of
 * {@link dev.ssereplay.broker.BrokerOptions} or
 * {@link dev.ssereplay.broker.ConnectionSettings} passes when it is set.
 */
package dev.ssereplay.broker;
