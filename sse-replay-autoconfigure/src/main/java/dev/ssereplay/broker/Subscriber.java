package dev.ssereplay.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.Position;
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
 * What a run collects and writes is the {@link ConnectionWriter}'s; where the
 * connection is in the stream, and what to write next, is its
 * {@link ReplayCursor}'s; both are confined to the writer. The writer writes
 * only to a connection that can take the write without blocking
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

	private final SubscriberContext context;

	private final String stream;

	private final Connection connection;

	private final Client client;

	private final SerialRunner runner;

	private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);

	private final LiveQueue queue;

	// Written once, before the close request is handed to the writer.
	private volatile CloseReason closeReason;

	private final ConnectionTimes times;

	private final SlowConnectionPolicy slowPolicy;

	private final ConnectionWriter writer;

	Subscriber(SubscriberContext context, String stream, Position from, ConnectionSettings settings,
			Connection connection, Client client) {
		this.context = context;
		this.client = client;
		this.stream = stream;
		this.connection = connection;
		this.runner = new SerialRunner(context.writers(), this, this::rejected);
		this.queue = new LiveQueue(settings.queueDepth(context.options()));
		this.slowPolicy = settings.slowPolicy(context.options());
		this.times = new ConnectionTimes(System.nanoTime(), settings.expiresAt());
		this.writer = new ConnectionWriter(context, stream, from, client, settings, connection, this.queue, this.times,
				this.runner::wake);
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
		this.writer.registered(status);
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
			if (this.times.isHeartbeatDue(now, heartbeatNanos) || this.writer.isRetryDue(now)) {
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
		ConnectionWriter writer = this.writer;
		// Empty unless a run failed between collecting and writing.
		writer.clear();
		Phase next = current;
		if (next == Phase.NEW) {
			next = writer.begin();
		}
		if (next == Phase.LIVE) {
			next = writer.drainLive();
		}
		if (next == Phase.REPLAYING) {
			next = writer.replayPage();
		}
		writer.write();
		if (next == Phase.LIVE && current != Phase.LIVE) {
			writer.caughtUp();
		}
		// Only once the history is written may a full queue count as slowness; fails
		// when the end was requested meanwhile.
		this.phase.compareAndSet(current, next);
		if (writer.hasEnded()) {
			close(CloseReason.COMPLETED);
		}
		return true;
	}

	private boolean hasMoreHistory() {
		return this.phase.get() == Phase.REPLAYING && this.writer.canAskForHistory();
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
				this.writer.writeQueued();
			}
			int discarded = this.queue.clear();
			if (reason == CloseReason.SLOW && discarded > 0) {
				this.context.statistics().dropped(policy, discarded);
			}
		}
		finally {
			this.phase.set(Phase.CLOSED);
			this.connection.close(this.closeReason);
			this.writer.ended(this.closeReason);
		}
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
		this.writer.ended(this.closeReason);
	}

	@Override
	public String toString() {
		return "Subscriber[stream=" + this.stream + ", phase=" + this.phase.get() + "]";
	}

}
