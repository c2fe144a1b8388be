package dev.ssereplay.broker;

import java.io.IOException;

import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.broker.Subscriber.Phase;
import dev.ssereplay.store.StreamStatus;

/**
 * What one connection's writer collects and writes: the start (priming, retry,
 * or a resync), live events from the {@link LiveQueue}, pages of history through
 * {@link HistoryPages}, and heartbeats, each decided by the connection's
 * {@link ReplayCursor} and collected into one {@link FrameBatch} that is written
 * with one flush, stamped in the {@link ConnectionTimes}, and counted in the
 * statistics and the {@link LifecycleReport}. Each way of collecting says which
 * writing phase it leaves the connection in; the {@link Subscriber} keeps the
 * phase, and decides from it which of them a run uses.
 * <p>
 * Not thread-safe: confined to the connection's writer, but for
 * {@link #isRetryDue}, which the housekeeping thread calls; {@link #registered},
 * called before the writer first runs; and {@link #ended}, called by the thread
 * that ends the connection when no writer can run.
 */
final class ConnectionWriter {

	private static final byte[] HEARTBEAT = SseFormat.comment("heartbeat");

	// What one write may hold, but for one event when it is the first: live and
	// replayed alike, so a connection pins at most this in the container.
	private static final int MAX_BATCH_BYTES = 256 * 1024;

	private final SubscriberContext context;

	private final Position from;

	private final Connection connection;

	private final LiveQueue queue;

	private final ConnectionTimes times;

	private final ReplayCursor cursor;

	private final HistoryPages pages;

	// Emptied after every write.
	private final FrameBatch batch = new FrameBatch();

	private final LifecycleReport report;

	// The stream's status read at registration.
	private StreamStatus status;

	/**
	 * Creates the writer of a connection that has written nothing yet.
	 * @param context what the broker hands its subscribers
	 * @param stream the stream the connection subscribed to
	 * @param from where the connection asked to start
	 * @param client who the connection belongs to
	 * @param settings the connection's event-name filter
	 * @param connection where to write
	 * @param queue the connection's live events
	 * @param times where writes are stamped
	 * @param wake wakes the writer when a page of history arrives
	 */
	ConnectionWriter(SubscriberContext context, String stream, Position from, Client client,
			ConnectionSettings settings, Connection connection, LiveQueue queue, ConnectionTimes times, Runnable wake) {
		this.context = context;
		this.from = from;
		this.connection = connection;
		this.queue = queue;
		this.times = times;
		this.cursor = new ReplayCursor(stream, settings.eventNames(), context.options().resyncEventName(),
				context.statistics(), (ex) -> context.callbackFailures().failed(Callback.EVENT_FILTER, stream, ex));
		// A read covers every live event that did not fit in the queue until it is sent.
		this.pages = new HistoryPages(context.store(), stream, context.options().replayBatchSize(),
				queue::clearMissed, wake);
		this.report = new LifecycleReport(context.lifecycle(), stream, client, from);
	}

	/**
	 * Takes the stream's status read after the connection was registered, which
	 * the start is decided from.
	 */
	void registered(StreamStatus status) {
		this.status = status;
	}

	/**
	 * Forgets what a run collected and did not write, because it failed.
	 */
	void clear() {
		this.batch.clear();
	}

	/**
	 * Collects the start: the priming block or the first resync, and the retry.
	 * @return {@code REPLAYING} when history is to be read first, else {@code LIVE}
	 */
	Phase begin() {
		ReplayCursor.Next next = this.cursor.start(this.from, this.status, this.context.options().retry(), this.batch);
		return (next == ReplayCursor.Next.REPLAY) ? Phase.REPLAYING : Phase.LIVE;
	}

	/**
	 * Collects queued live events, up to what one write may hold.
	 * @return {@code REPLAYING} when events are missing that the store must
	 * supply, else {@code LIVE}
	 */
	Phase drainLive() {
		if (this.queue.hasMissed()) {
			return Phase.REPLAYING;
		}
		StoredEvent event;
		while (this.batch.size() < MAX_BATCH_BYTES && (event = this.queue.poll()) != null) {
			if (this.cursor.live(event, this.queue.droppedThrough(), this.batch) == ReplayCursor.Next.REPLAY) {
				return Phase.REPLAYING;
			}
		}
		if (this.queue.isEmpty()) {
			this.cursor.dropped(this.queue.droppedThrough(), this.batch);
		}
		return Phase.LIVE;
	}

	/**
	 * Collects a page of history, if the store has answered; a stream deleted
	 * meanwhile ends with its final event, if it is queued.
	 * @return {@code LIVE} once the history is written and nothing is missing,
	 * else {@code REPLAYING}
	 */
	Phase replayPage() {
		ReplayCursor.Next next = this.pages.write(this.cursor, MAX_BATCH_BYTES, this.batch);
		if (this.cursor.isLifetimeDeleted()) {
			// The deletion's final event, if it is queued, then the end.
			drainLive();
			this.cursor.endDeletedLifetime();
			return Phase.LIVE;
		}
		if (next == null) {
			// Awaited, or to be tried again.
			return Phase.REPLAYING;
		}
		return (next == ReplayCursor.Next.LIVE && !this.queue.hasMissed()) ? Phase.LIVE : Phase.REPLAYING;
	}

	/**
	 * Writes what the run collected, or a heartbeat when nothing was written for
	 * the heartbeat interval.
	 * @throws IOException when the peer is gone
	 */
	void write() throws IOException {
		if (this.times.isHeartbeatDue(System.nanoTime(), this.context.options().heartbeatInterval().toNanos())) {
			this.batch.addHeartbeatIfEmpty(HEARTBEAT);
		}
		flush();
	}

	/**
	 * Writes the queued live events, once the connection is to end (a slow
	 * connection closed while live, so the queue continues the position).
	 * @throws IOException when the peer is gone
	 */
	void writeQueued() throws IOException {
		this.batch.clear();
		drainLive();
		flush();
	}

	/**
	 * Marks the connection caught up with the stream: what the replay or the
	 * priming covered does not count against it, and its start is reported.
	 */
	void caughtUp() {
		this.queue.dropWritten(this.cursor);
		this.report.caughtUp();
	}

	/**
	 * Whether the stream's final event is written.
	 */
	boolean hasEnded() {
		return this.cursor.hasEnded();
	}

	/**
	 * Whether another page of history may be asked for now.
	 */
	boolean canAskForHistory() {
		return this.pages.canAsk();
	}

	/**
	 * Whether a failed read of history is due to be tried again.
	 */
	boolean isRetryDue(long now) {
		return this.pages.isRetryDue(now);
	}

	/**
	 * Reports the end of the connection, with what it wrote and how long it was
	 * open.
	 */
	void ended(CloseReason reason) {
		this.report.ended(reason, this.times.ageMillis(System.nanoTime()));
	}

	private void flush() throws IOException {
		FrameBatch batch = this.batch;
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

}
