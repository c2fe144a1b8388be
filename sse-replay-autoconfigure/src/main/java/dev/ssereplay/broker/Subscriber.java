package dev.ssereplay.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.StreamStatus;

/**
 * One connection's subscription: a {@link LiveQueue} filled by publishers, the
 * slow-connection policy, and a writer that runs on the broker's executor, at
 * most once at a time, and owns everything written to the connection.
 * <p>
 * Its life is one {@link Phase}:
 * <pre>
 * NEW ──start──▶ REPLAYING ◀──▶ LIVE
 *  │                 │            │
 *  └────────────── close ─────────┴──▶ CLOSING ──writer──▶ CLOSED
 * </pre>
 * The writer requests the end itself once the stream's final event is written
 * ({@link CloseReason#COMPLETED}).
 * The writer moves between the first three ({@link #step}); anyone may request
 * the end ({@link #close}), and the writer performs it ({@link #finish}). While
 * the phase is {@code NEW} or {@code REPLAYING} a full queue is not slowness: the
 * writer reads what did not fit from the store, at the client's pace, through
 * {@link HistoryPages}, which never makes the writer wait for the store.
 * <p>
 * Where the connection is in the stream, and what to write next, is the
 * {@link ReplayCursor}'s, confined to the writer. The writer writes only to a
 * connection that can take the write without blocking
 * ({@link Connection#isWritable()}); until it can, the writer is parked, live
 * events wait in the queue where the slow-connection policy sees them, and the
 * connection's callback unparks it.
 * <p>
 * Thread-safe. Every hand-off between threads goes through the
 * {@link SerialRunner}; what other threads read is the phase, the queue and the
 * {@link ConnectionTimes}, each atomic or volatile.
 */
final class Subscriber implements Subscription, Runnable {

	/**
	 * The phases of a connection's life.
	 */
	enum Phase {

		/** Registered; nothing written yet. */
		NEW,

		/** Writing history read from the store. */
		REPLAYING,

		/** Writing live events from the queue. */
		LIVE,

		/** The end was requested; the writer is ending the connection. */
		CLOSING,

		/** The connection is ended. */
		CLOSED

	}

	private static final Logger logger = LoggerFactory.getLogger(Subscriber.class);

	private static final byte[] HEARTBEAT = SseFormat.comment("heartbeat");

	// What one write may hold, but for one event when it is the first: live and
	// replayed alike, so a connection pins at most this in the container.
	private static final int MAX_BATCH_BYTES = 256 * 1024;

	private final SubscriberContext context;

	private final String stream;

	private final Position from;

	private final Connection connection;

	private final Client client;

	private final ReplayCursor cursor;

	private final HistoryPages pages;

	private final SerialRunner runner;

	private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);

	private final LiveQueue queue;

	// Confined to the writer, and emptied after every write.
	private final FrameBatch batch = new FrameBatch();

	// Written once, before the close request is handed to the writer.
	private volatile CloseReason closeReason;

	private final ConnectionTimes times;

	private final SlowConnectionPolicy slowPolicy;

	// Confined to the writer: what was written, for the lifecycle listeners.
	private final LifecycleReport report;

	// Confined to the writer: the stream's status read at registration.
	private StreamStatus status;

	Subscriber(SubscriberContext context, String stream, Position from, ConnectionSettings settings,
			Connection connection, Client client) {
		this.context = context;
		this.client = client;
		this.stream = stream;
		this.from = from;
		this.connection = connection;
		this.cursor = new ReplayCursor(stream, settings.eventNames(), context.options().resyncEventName(),
				context.statistics(), (ex) -> context.callbackFailures().failed(Callback.EVENT_FILTER, stream, ex));
		this.runner = new SerialRunner(context.writers(), this, this::rejected);
		this.queue = new LiveQueue(settings.queueDepth(context.options()));
		// A read covers every live event that did not fit in the queue until it is sent.
		this.pages = new HistoryPages(context.store(), stream, context.options().replayBatchSize(),
				this.queue::clearMissed, this.runner::wake);
		this.slowPolicy = settings.slowPolicy(context.options());
		this.times = new ConnectionTimes(System.nanoTime(), settings.expiresAt());
		this.report = new LifecycleReport(context.lifecycle(), stream, client, from);
	}

	@Override
	public String stream() {
		return this.stream;
	}

	@Override
	public boolean isActive() {
		return this.phase.get().compareTo(Phase.CLOSING) < 0;
	}

	@Override
	public void disconnected() {
		close(CloseReason.DISCONNECTED);
	}

	@Override
	public void cancel() {
		close(CloseReason.CANCELLED);
	}

	Client client() {
		return this.client;
	}

	/**
	 * Lets the writer run, once the subscriber is registered: from here on no live
	 * event can be missed.
	 * @param status the stream's status read after registering
	 */
	void start(StreamStatus status) {
		this.status = status;
		this.connection.onWritable(this.runner::unpark);
		this.runner.unpark();
	}

	/**
	 * Queues a live event; never blocks. Called by publishers, concurrently.
	 */
	void offer(StoredEvent event) {
		Phase current = this.phase.get();
		if (current == Phase.CLOSING || current == Phase.CLOSED) {
			return;
		}
		if (!this.queue.offer(event)) {
			overflow(event, current);
			return;
		}
		this.runner.wake();
	}

	/**
	 * Requests the end of this subscription; the writer performs it.
	 * @return {@code true} for the call that closed it
	 */
	boolean close(CloseReason reason) {
		Phase current;
		do {
			current = this.phase.get();
			if (current == Phase.CLOSING || current == Phase.CLOSED) {
				return false;
			}
		}
		while (!this.phase.compareAndSet(current, Phase.CLOSING));
		this.closeReason = reason;
		this.context.closed().accept(this, reason);
		this.runner.unpark();
		return true;
	}

	/**
	 * Drops a subscriber that was registered but is not to be served (its stream
	 * has ended for it), before it started: nothing was written, and nothing is
	 * reported.
	 */
	void abandon() {
		this.phase.set(Phase.CLOSED);
	}

	/**
	 * Called by the broker's housekeeping tick: wakes an idle writer that owes a
	 * heartbeat or a retry of the store, and releases a subscription whose
	 * connection was never served.
	 * @return {@code true} when a write has been blocked longer than the stall
	 * threshold
	 */
	boolean tick(long now, long heartbeatNanos, long stallNanos) {
		Phase current = this.phase.get();
		Duration startTimeout = this.context.options().startTimeout();
		if (current == Phase.NEW && this.times.isStartOverdue(now, startTimeout) && close(CloseReason.UNSERVED)) {
			logger.warn("A connection to stream '{}' was not served within {} and was released: return the emitter "
					+ "of SseReplay.subscribe from a request handler, and check access before subscribing",
					this.stream, startTimeout);
		}
		if (current != Phase.CLOSING && current != Phase.CLOSED && this.times.isExpired(now)) {
			close(CloseReason.EXPIRED);
		}
		if (current == Phase.REPLAYING || current == Phase.LIVE) {
			if (this.times.isHeartbeatDue(now, heartbeatNanos) || this.pages.isRetryDue(now)) {
				this.runner.wake();
			}
		}
		return this.times.isStalled(now, stallNanos);
	}

	/**
	 * One writer run.
	 */
	@Override
	public void run() {
		boolean parked = false;
		try {
			if (this.closeReason != null) {
				finish();
			}
			else {
				parked = !step();
			}
		}
		catch (IOException ex) {
			logger.debug("Connection of a subscriber of stream '{}' failed: {}", this.stream, ex.toString());
			close(CloseReason.DISCONNECTED);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscriber of stream '{}' failed; closing its connection", this.stream, ex);
			close(CloseReason.DISCONNECTED);
		}
		finally {
			this.runner.runDone(parked, !parked && hasMoreHistory());
		}
	}

	/**
	 * Writes what is due, and moves between the writing phases.
	 * @return {@code false} when the connection cannot take a write yet
	 */
	private boolean step() throws IOException {
		if (!this.connection.isWritable()) {
			return false;
		}
		Phase current = this.phase.get();
		if (current == Phase.CLOSING || current == Phase.CLOSED) {
			return true;
		}
		FrameBatch batch = this.batch;
		// Empty unless a run failed between collecting and writing.
		batch.clear();
		Phase next = current;
		if (next == Phase.NEW) {
			next = phaseFor(this.cursor.start(this.from, this.status, this.context.options().retry(), batch));
		}
		if (next == Phase.LIVE) {
			next = drainLive(batch);
		}
		if (next == Phase.REPLAYING) {
			next = replayPage(batch);
			if (this.cursor.isLifetimeDeleted()) {
				// The deletion's final event, if it is queued, then the end.
				drainLive(batch);
				this.cursor.endDeletedLifetime();
				next = Phase.LIVE;
			}
		}
		if (this.times.isHeartbeatDue(System.nanoTime(), this.context.options().heartbeatInterval().toNanos())) {
			batch.addHeartbeatIfEmpty(HEARTBEAT);
		}
		write(batch);
		if (next == Phase.LIVE && current != Phase.LIVE) {
			// What the replay or the priming covered does not count against a
			// connection that has caught up.
			this.queue.dropWritten(this.cursor);
			this.report.caughtUp();
		}
		// Only once the history is written may a full queue count as slowness; fails
		// when the end was requested meanwhile.
		this.phase.compareAndSet(current, next);
		if (this.cursor.hasEnded()) {
			close(CloseReason.COMPLETED);
		}
		return true;
	}

	private Phase drainLive(FrameBatch batch) {
		if (this.queue.hasMissed()) {
			return Phase.REPLAYING;
		}
		StoredEvent event;
		while (batch.size() < MAX_BATCH_BYTES && (event = this.queue.poll()) != null) {
			if (this.cursor.live(event, this.queue.droppedThrough(), batch) == ReplayCursor.Next.REPLAY) {
				return Phase.REPLAYING;
			}
		}
		if (this.queue.isEmpty()) {
			this.cursor.dropped(this.queue.droppedThrough(), batch);
		}
		return Phase.LIVE;
	}

	private Phase replayPage(FrameBatch batch) {
		ReplayCursor.Next next = this.pages.write(this.cursor, MAX_BATCH_BYTES, batch);
		if (next == null) {
			// Awaited, or to be tried again.
			return Phase.REPLAYING;
		}
		return (next == ReplayCursor.Next.LIVE && !this.queue.hasMissed()) ? Phase.LIVE : Phase.REPLAYING;
	}

	private boolean hasMoreHistory() {
		return this.phase.get() == Phase.REPLAYING && this.pages.canAsk();
	}

	private void write(FrameBatch batch) throws IOException {
		if (batch.isEmpty()) {
			return;
		}
		try {
			this.times.writeStarted(System.nanoTime());
			try {
				batch.writeTo(this.connection);
			}
			finally {
				this.times.writeEnded();
			}
			this.times.written(System.nanoTime());
			batch.countWritten(this.context.statistics());
			this.report.written(batch);
		}
		finally {
			batch.clear();
		}
	}

	/**
	 * Ends the connection: under the close policy what the queue holds is written
	 * first, if the connection can take it; the rest is counted as dropped.
	 */
	private void finish() throws IOException {
		if (this.phase.get() == Phase.CLOSED) {
			return;
		}
		try {
			CloseReason reason = this.closeReason;
			SlowConnectionPolicy policy = this.slowPolicy;
			// A slow close happens only while live, so the queue continues the position.
			if (reason == CloseReason.SLOW && policy == SlowConnectionPolicy.CLOSE && this.connection.isWritable()) {
				FrameBatch batch = this.batch;
				batch.clear();
				drainLive(batch);
				write(batch);
			}
			int discarded = this.queue.clear();
			if (reason == CloseReason.SLOW && discarded > 0) {
				this.context.statistics().dropped(policy, discarded);
			}
		}
		finally {
			this.phase.set(Phase.CLOSED);
			this.connection.close(this.closeReason);
			reportEnded(this.closeReason);
		}
	}

	private void reportEnded(CloseReason reason) {
		this.report.ended(reason, this.times.ageMillis(System.nanoTime()));
	}

	private void overflow(StoredEvent event, Phase current) {
		if (current != Phase.LIVE) {
			// Not slowness: the writer is still writing history and reads this event
			// from the store too.
			this.queue.missed(event.id());
			this.runner.wake();
			return;
		}
		SlowConnectionPolicy policy = this.slowPolicy;
		this.context.statistics().dropped(policy, 1);
		if (policy == SlowConnectionPolicy.DROP) {
			this.queue.dropped(event.id());
			this.runner.wake();
		}
		else if (close(CloseReason.SLOW)) {
			logger.debug("Closing slow connection of stream '{}' ({} policy, {} events queued)", this.stream,
					policy.tag(), this.queue.size());
		}
	}

	// The executor refused the writer: it is shutting down, and no writer runs.
	private void rejected() {
		Phase previous = this.phase.getAndSet(Phase.CLOSED);
		if (previous == Phase.CLOSED) {
			return;
		}
		if (previous != Phase.CLOSING) {
			this.closeReason = CloseReason.SHUTDOWN;
			this.context.closed().accept(this, CloseReason.SHUTDOWN);
		}
		this.connection.close(this.closeReason);
		reportEnded(this.closeReason);
	}

	@Override
	public String toString() {
		return "Subscriber[stream=" + this.stream + ", phase=" + this.phase.get() + "]";
	}

	private static Phase phaseFor(ReplayCursor.Next next) {
		return (next == ReplayCursor.Next.REPLAY) ? Phase.REPLAYING : Phase.LIVE;
	}

}
