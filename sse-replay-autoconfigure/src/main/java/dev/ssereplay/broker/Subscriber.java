package dev.ssereplay.broker;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ResyncReason;

/**
 * One subscriber: a bounded queue of live events filled by publishers, and a
 * writer task, run on the broker's executor at most once at a time, that owns the
 * subscriber's position and everything written to its connection.
 * <p>
 * The writer keeps the subscriber's promise: every event after its position,
 * once, in order. It starts by catching up from the store (a resume) or from the
 * head (a fresh connect); live events that arrive meanwhile wait in the queue.
 * Live events at or before the position are skipped; a hole, an event of another
 * epoch or a queue that overflowed while catching up sends it back to the store,
 * which is the truth. Catching up runs in pages at the client's pace and is never
 * treated as slowness.
 * <p>
 * The writer writes only to a connection that can take the write without
 * blocking ({@link Connection#isWritable()}); until it can, live events wait in
 * the queue and the connection's callback runs the writer again. A client that
 * stops reading therefore fills its own queue, and the slow-subscriber policy
 * applies, instead of holding a thread.
 * <p>
 * Publishers touch only {@link #offer}; the fields they share with the writer
 * are volatile or atomic. Everything else is confined to the writer task, which
 * the {@link #state} hand-off makes visible from one run to the next.
 */
final class Subscriber implements Subscription, Runnable {

	private static final Logger logger = LoggerFactory.getLogger(Subscriber.class);

	private static final byte[] HEARTBEAT = SseFormat.comment("heartbeat");

	private static final int MAX_BATCH_BYTES = 256 * 1024;

	private static final long STORE_RETRY_NANOS = 1_000_000_000L;

	private static final int IDLE = 0;

	private static final int SCHEDULED = 1;

	private final Broker broker;

	private final String stream;

	private final String lastEventId;

	private final Predicate<String> eventNames;

	private final Connection connection;

	private final ConcurrentLinkedQueue<StoredEvent> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicInteger state = new AtomicInteger(IDLE);

	private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();

	private final AtomicReference<EventId> droppedThrough = new AtomicReference<>();

	private volatile boolean ready;

	private volatile boolean started;

	private volatile boolean catchingUp;

	private volatile boolean missed;

	private volatile boolean heartbeatDue;

	private volatile boolean finished;

	private volatile boolean awaitingWritable;

	private volatile long lastWriteNanos = System.nanoTime();

	private volatile long writeStartedNanos;

	private volatile long storeRetryAtNanos;

	// Confined to the writer task.
	private EventId position;

	Subscriber(Broker broker, String stream, String lastEventId, Predicate<String> eventNames,
			Connection connection) {
		this.broker = broker;
		this.stream = stream;
		this.lastEventId = lastEventId;
		this.eventNames = eventNames;
		this.connection = connection;
	}

	@Override
	public String stream() {
		return this.stream;
	}

	@Override
	public boolean isActive() {
		return this.closeReason.get() == null;
	}

	@Override
	public void disconnected() {
		close(CloseReason.DISCONNECTED);
	}

	@Override
	public void cancel() {
		close(CloseReason.CANCELLED);
	}

	/**
	 * Queues a live event; never blocks. Called by publishers, concurrently.
	 */
	void offer(StoredEvent event) {
		if (this.closeReason.get() != null) {
			return;
		}
		if (this.queued.incrementAndGet() > this.broker.options().queueDepth()) {
			this.queued.decrementAndGet();
			overflow(event);
			return;
		}
		this.queue.offer(event);
		schedule();
	}

	private void overflow(StoredEvent event) {
		if (!this.started || this.catchingUp) {
			// Not slowness: the writer is still reading history and will read this
			// event from the store too.
			this.missed = true;
			schedule();
			return;
		}
		SlowSubscriberPolicy policy = this.broker.options().slowPolicy();
		this.broker.statistics().dropped(policy, 1);
		if (policy == SlowSubscriberPolicy.DROP) {
			this.droppedThrough.accumulateAndGet(event.id(), Subscriber::later);
			schedule();
		}
		else {
			if (close(CloseReason.SLOW)) {
				logger.debug("Closing slow subscriber of stream '{}' ({} policy, {} events queued)", this.stream,
						policy.tag(), this.queued.get());
			}
		}
	}

	/**
	 * Requests the end of this subscription; the writer performs it.
	 * @return {@code true} for the call that closed it
	 */
	boolean close(CloseReason reason) {
		if (!this.closeReason.compareAndSet(null, reason)) {
			return false;
		}
		this.broker.unregister(this, reason);
		schedule();
		return true;
	}

	/**
	 * Called by the broker's housekeeping tick.
	 * @return {@code true} when a write has been blocked longer than the stall
	 * threshold
	 */
	boolean tick(long now, long heartbeatNanos, long stallNanos) {
		if (this.finished) {
			return false;
		}
		if (heartbeatNanos > 0 && now - this.lastWriteNanos >= heartbeatNanos && this.started) {
			this.heartbeatDue = true;
			schedule();
		}
		else if (this.catchingUp && this.storeRetryAtNanos != 0 && now - this.storeRetryAtNanos >= 0) {
			schedule();
		}
		long writing = this.writeStartedNanos;
		return writing != 0 && now - writing >= stallNanos;
	}

	void schedule() {
		if (this.finished || !this.ready || !this.state.compareAndSet(IDLE, SCHEDULED)) {
			return;
		}
		try {
			this.broker.writers().execute(this);
		}
		catch (RejectedExecutionException ex) {
			this.state.set(IDLE);
			this.finished = true;
			close(CloseReason.SHUTDOWN);
			this.connection.close();
		}
	}

	@Override
	public void run() {
		try {
			if (this.closeReason.get() != null) {
				finish();
			}
			else {
				step();
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
			this.state.set(IDLE);
			if (hasWork()) {
				schedule();
			}
		}
	}

	private boolean hasWork() {
		if (this.finished) {
			return false;
		}
		if (this.awaitingWritable && this.closeReason.get() == null) {
			// The connection runs becameWritable when it can take more.
			return false;
		}
		if (this.closeReason.get() != null || !this.started || this.heartbeatDue || this.missed) {
			return true;
		}
		if (this.catchingUp) {
			return this.storeRetryAtNanos == 0;
		}
		return !this.queue.isEmpty() || laterThanPosition(this.droppedThrough.get());
	}

	private void step() throws IOException {
		if (!connectionWritable()) {
			// Events wait in the queue, where the slow-subscriber policy sees them.
			return;
		}
		Batch batch = new Batch();
		if (!this.started) {
			start(batch);
		}
		if (!this.catchingUp) {
			drainLive(batch);
		}
		if (this.catchingUp) {
			catchUp(batch);
		}
		if (this.heartbeatDue) {
			this.heartbeatDue = false;
			if (batch.isEmpty()) {
				batch.add(HEARTBEAT);
				batch.heartbeat = true;
			}
		}
		write(batch);
		if (batch.caughtUp) {
			// Only now, with history written, may an overflow count as slowness;
			// one that happened meanwhile sends the writer back to the store.
			this.catchingUp = this.missed;
		}
	}

	private void start(Batch batch) {
		BrokerOptions options = this.broker.options();
		if (this.lastEventId == null) {
			batch.add(SseFormat.position(this.position.toString(), options.retry()));
		}
		else {
			if (options.retry() != null) {
				batch.add(SseFormat.position(null, options.retry()));
			}
			EventId resumeFrom = EventId.parse(this.lastEventId);
			if (resumeFrom == null) {
				resync(batch, ResyncReason.MALFORMED, this.broker.store().head(this.stream));
			}
			else {
				this.position = resumeFrom;
				this.catchingUp = true;
			}
		}
		this.started = true;
	}

	/**
	 * Lets the writer run, once the subscriber is registered. A fresh subscriber
	 * starts at the head read after it registered, so it receives every event
	 * published after it subscribed.
	 * @param head the head for a fresh subscriber, {@code null} for a resume
	 */
	void ready(EventId head) {
		this.connection.onWritable(this::becameWritable);
		this.position = head;
		this.ready = true;
		schedule();
	}

	private boolean connectionWritable() throws IOException {
		// Set before asking, so a callback that runs in between is not lost.
		this.awaitingWritable = true;
		if (!this.connection.isWritable()) {
			return false;
		}
		this.awaitingWritable = false;
		return true;
	}

	private void becameWritable() {
		this.awaitingWritable = false;
		schedule();
	}

	private void drainLive(Batch batch) {
		if (this.missed) {
			this.catchingUp = true;
			return;
		}
		StoredEvent event;
		while (batch.size < MAX_BATCH_BYTES && (event = this.queue.poll()) != null) {
			this.queued.decrementAndGet();
			if (!event.id().sameEpoch(this.position)) {
				this.catchingUp = true;
				return;
			}
			long sequence = event.sequence();
			if (sequence <= this.position.sequence()) {
				continue;
			}
			if (sequence > this.position.sequence() + 1) {
				EventId dropped = this.droppedThrough.get();
				if (dropped != null && dropped.sameEpoch(this.position) && dropped.sequence() >= sequence - 1) {
					resync(batch, ResyncReason.DROPPED, new EventId(this.position.epoch(), sequence - 1));
				}
				else {
					this.catchingUp = true;
					return;
				}
			}
			if (accepts(event)) {
				batch.add(event.frame());
				batch.live++;
			}
			this.position = event.id();
		}
		EventId dropped = this.droppedThrough.get();
		if (this.queue.isEmpty() && laterThanPosition(dropped)) {
			resync(batch, ResyncReason.DROPPED, dropped);
		}
	}

	private void catchUp(Batch batch) {
		this.missed = false;
		ReadResult result;
		try {
			result = this.broker.store().readAfter(this.stream, this.position, this.broker.options().replayBatchSize());
			this.storeRetryAtNanos = 0;
		}
		catch (RuntimeException ex) {
			// The store is unavailable: keep the connection (heartbeats go on) and
			// try again later.
			logger.debug("Store read for stream '{}' failed; retrying", this.stream, ex);
			this.storeRetryAtNanos = System.nanoTime() + STORE_RETRY_NANOS;
			return;
		}
		if (result instanceof ReadResult.CannotServe cannotServe) {
			resync(batch, cannotServe.reason(), cannotServe.head());
			batch.caughtUp = true;
			return;
		}
		ReadResult.Events page = (ReadResult.Events) result;
		List<StoredEvent> events = page.events();
		for (StoredEvent event : events) {
			if (accepts(event)) {
				batch.add(event.frame());
				batch.replayed++;
			}
			this.position = event.id();
		}
		if (events.size() < this.broker.options().replayBatchSize()
				|| this.position.sequence() >= page.head().sequence()) {
			batch.caughtUp = true;
		}
	}

	private void resync(Batch batch, ResyncReason reason, EventId head) {
		String data = "{\"reason\":\"" + reason.tag() + "\",\"head\":\"" + head + "\"}";
		batch.add(SseFormat.event(head.toString(), new SseEvent(this.broker.options().resyncEventName(), data)));
		this.position = head;
		this.broker.statistics().resync(reason);
	}

	private void write(Batch batch) throws IOException {
		if (batch.isEmpty()) {
			return;
		}
		this.writeStartedNanos = System.nanoTime() | 1;
		try {
			this.connection.write(batch.bytes());
		}
		finally {
			this.writeStartedNanos = 0;
		}
		this.lastWriteNanos = System.nanoTime();
		BrokerStatistics statistics = this.broker.statistics();
		if (batch.live > 0) {
			statistics.delivered(batch.live);
		}
		if (batch.replayed > 0) {
			statistics.replayed(batch.replayed);
		}
		if (batch.heartbeat) {
			statistics.heartbeat();
		}
	}

	private void finish() throws IOException {
		if (this.finished) {
			return;
		}
		try {
			CloseReason reason = this.closeReason.get();
			SlowSubscriberPolicy policy = this.broker.options().slowPolicy();
			if (reason == CloseReason.SLOW && policy == SlowSubscriberPolicy.CLOSE && this.started
					&& !this.catchingUp && this.connection.isWritable()) {
				Batch batch = new Batch();
				drainLive(batch);
				write(batch);
			}
			int discarded = this.queued.getAndSet(0);
			this.queue.clear();
			if (reason == CloseReason.SLOW && discarded > 0) {
				this.broker.statistics().dropped(policy, discarded);
			}
		}
		finally {
			this.finished = true;
			this.connection.close();
		}
	}

	private boolean accepts(StoredEvent event) {
		return this.eventNames == null || this.eventNames.test(event.dispatchName());
	}

	private boolean laterThanPosition(EventId id) {
		EventId current = this.position;
		return id != null && current != null && id.sameEpoch(current) && id.sequence() > current.sequence();
	}

	private static EventId later(EventId current, EventId candidate) {
		if (current == null || !current.sameEpoch(candidate) || candidate.sequence() > current.sequence()) {
			return candidate;
		}
		return current;
	}

	@Override
	public String toString() {
		return "Subscriber[stream=" + this.stream + ", position=" + this.position + "]";
	}

	/**
	 * Frames collected by one writer run, written at once.
	 */
	private static final class Batch {

		private byte[] single;

		private byte[][] frames;

		private int count;

		int size;

		int live;

		int replayed;

		boolean heartbeat;

		boolean caughtUp;

		void add(byte[] frame) {
			if (this.count == 0) {
				this.single = frame;
			}
			else {
				if (this.frames == null) {
					this.frames = new byte[16][];
					this.frames[0] = this.single;
				}
				else if (this.count == this.frames.length) {
					this.frames = java.util.Arrays.copyOf(this.frames, this.count * 2);
				}
				this.frames[this.count] = frame;
			}
			this.count++;
			this.size += frame.length;
		}

		boolean isEmpty() {
			return this.count == 0;
		}

		byte[] bytes() {
			if (this.count == 1) {
				return this.single;
			}
			byte[] joined = new byte[this.size];
			int at = 0;
			for (int i = 0; i < this.count; i++) {
				System.arraycopy(this.frames[i], 0, joined, at, this.frames[i].length);
				at += this.frames[i].length;
			}
			return joined;
		}

	}

}
