package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * The appends sent to Redis without waiting ({@link RedisReplayStore#appendAsync}
 * and {@link RedisReplayStore#appendOnceAsync}): their bound, their order per
 * stream, and the coalescing of those that queue up for one stream into one
 * script call.
 * <p>
 * The bound: an append takes a place before it is queued or sent, waiting for
 * one at most the command timeout, since each append in flight is answered or
 * fails within about that, and gives it back when Redis answered its script
 * call or the call failed. So a publisher faster than Redis is slowed to its
 * pace, and the appends in flight, sent or queued, stay bounded.
 * <p>
 * Coalescing: a stream has at most {@value #CALLS_PER_STREAM} script calls on
 * their way. An append to a stream with fewer, and none queued, is sent at once
 * and alone, so a lone append waits for nothing. Beyond that, appends to the
 * stream queue up in the order they were made, and each time one of the
 * stream's calls is answered, the queued ones go, up to one batch, as one
 * script call: the more a stream's appends would have waited behind each
 * other in Redis, the fewer calls Redis runs for them, each call's own work
 * (its lifetime check, trims and expiries) shared by all of its events. Two
 * calls per stream, so that Redis has the stream's next call at hand while the
 * answer to the last travels back. A batch holds at most
 * {@value #MAX_BATCH_EVENTS} events and {@value #MAX_BATCH_BYTES} bytes of
 * event bodies, which keeps one call's time in Redis, where every other client
 * waits for it, to about half a millisecond for small events; an event larger
 * than the byte budget goes alone. An append that may not go with others (one
 * with an idempotency key) goes alone when its turn comes.
 * <p>
 * Order: a stream's calls are sent in the order of its queue, under the lock,
 * so that an append made after another on one thread is sent after it, on the
 * same connection. The senders must not wait for Redis. What an answer lets go
 * is sent by a thread of this class's own, not by Lettuce's I/O thread that
 * delivers the answer: a command sent there is written at once, ahead of those
 * that other threads handed to that thread before and it has not written yet,
 * while commands sent from other threads are written in the order they were
 * sent. (So appends made on Lettuce's I/O thread could overtake their own
 * queued ones; they are not made there, since making one may wait.) The
 * synchronous appends to a stream {@linkplain #awaitSent wait} until its queued
 * appends are sent, for the same reason.
 * <p>
 * Thread-safe: the queues and the calls on their way are behind one lock, held
 * in {@code queue}, {@code answered}, {@code sendQueued} and {@code awaitSent}
 * only; replies and failures are handed to the appends' futures after it.
 */
final class AsyncAppends {

	/** The most script calls of one stream sent and not answered yet. */
	static final int CALLS_PER_STREAM = 2;

	/** The most events in one script call. */
	static final int MAX_BATCH_EVENTS = 128;

	/** The most bytes of event bodies in one script call of several events. */
	static final int MAX_BATCH_BYTES = 1 << 20;

	private static final String MAX_IN_FLIGHT_PROPERTY = "sse.replay.redis.max-in-flight-appends";

	private final int maxInFlight;

	// One per append sent or queued and not answered yet.
	private final Semaphore permits;

	private final Duration commandTimeout;

	private final ReentrantLock lock = new ReentrantLock();

	// Signalled whenever queued appends have been sent.
	private final Condition sent = this.lock.newCondition();

	// Guarded by lock: the streams with calls on their way or appends queued.
	private final Map<String, Lane> lanes = new HashMap<>();

	// Sends the appends that an answer let go; its thread ends when idle, so the
	// class needs no closing.
	private final ThreadPoolExecutor sender;

	/**
	 * Creates the bound.
	 * @param maxInFlight the most appends sent or queued and not answered yet,
	 * positive
	 * @param commandTimeout how long a call waits for a place
	 */
	AsyncAppends(int maxInFlight, Duration commandTimeout) {
		this.maxInFlight = maxInFlight;
		this.permits = new Semaphore(maxInFlight);
		this.commandTimeout = commandTimeout;
		this.sender = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
			Thread thread = new Thread(task, "sse-replay-redis-appends");
			thread.setDaemon(true);
			return thread;
		});
		this.sender.allowCoreThreadTimeOut(true);
	}

	/**
	 * Sends one append alone, once it has a place among those in flight and its
	 * turn among the stream's.
	 * @param stream the stream, whose appends are sent in the order of the calls
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @param send sends the append script and returns its reply; must neither
	 * throw nor wait for Redis, but return a failed future
	 * @param decode turns the script's reply into the result, such as the stored
	 * event; what it throws fails the returned future
	 * @param <T> the result
	 * @return the result, or a future failed with a
	 * {@link StoreUnavailableException} when no place was free within the command
	 * timeout, or with what {@code send} or {@code decode} failed with
	 */
	<T> CompletableFuture<T> send(String stream, String what, Supplier<CompletableFuture<List<Object>>> send,
			Function<List<Object>, T> decode) {
		return queue(what, new QueuedAppend<>(stream, null, send, null, (reply, index) -> decode.apply(reply)));
	}

	/**
	 * Sends one append that may go in one script call with the appends queued
	 * for the same stream, once it has a place among those in flight and its turn
	 * among the stream's.
	 * @param stream the stream, whose appends are sent in the order of the calls
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @param body the event's body, whose size counts against a batch's budget
	 * @param alone sends the append by itself and returns the reply; must neither
	 * throw nor wait for Redis, but return a failed future
	 * @param together sends the bodies of this append and of those queued after
	 * it, in order, as one script call and returns its reply; the same rules
	 * @param decode reads this append's result from the reply of its call, given
	 * its place in the call (0 when alone); what it throws fails the returned
	 * future
	 * @param <T> the result
	 * @return the result, or a future failed with a
	 * {@link StoreUnavailableException} when no place was free within the command
	 * timeout, or with what the call or {@code decode} failed with
	 */
	<T> CompletableFuture<T> sendJoinable(String stream, String what, byte[] body,
			Supplier<CompletableFuture<List<Object>>> alone,
			Function<List<byte[]>, CompletableFuture<List<Object>>> together, Decoder<T> decode) {
		return queue(what, new QueuedAppend<>(stream, body, alone, together, decode));
	}

	/**
	 * Waits until the appends queued for a stream have been sent, so that an
	 * append sent after this, on the same connection, runs after them: what the
	 * synchronous appends do first.
	 * @param what what the caller does, for messages: "append to stream 'orders'"
	 * @throws StoreUnavailableException when they were not sent within the
	 * command timeout
	 */
	void awaitSent(String stream, String what) {
		this.lock.lock();
		try {
			long nanos = this.commandTimeout.toNanos();
			Lane lane = this.lanes.get(stream);
			// The appends queued so far, not those queued while this waits: a stream
			// published to without pause may never have an empty queue.
			long queuedBefore = (lane != null) ? lane.queued : 0;
			while (lane != null && this.lanes.get(stream) == lane && lane.taken < queuedBefore) {
				if (nanos <= 0) {
					throw new StoreUnavailableException("Could not " + what + ": the appends to it sent without "
							+ "waiting before were not sent to Redis within " + this.commandTimeout.toMillis()
							+ " ms", null);
				}
				nanos = this.sent.awaitNanos(nanos);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreUnavailableException("Interrupted while waiting to " + what, ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Returns how many appends await Redis's answer, sent or queued.
	 */
	int inFlight() {
		return this.maxInFlight - this.permits.availablePermits();
	}

	private <T> CompletableFuture<T> queue(String what, QueuedAppend<T> append) {
		try {
			if (!this.permits.tryAcquire(this.commandTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
				return CompletableFuture.failedFuture(new StoreUnavailableException("Could not " + what + ": "
						+ this.maxInFlight + " appends (" + MAX_IN_FLIGHT_PROPERTY + ") have awaited Redis's "
						+ "answer for longer than " + this.commandTimeout.toMillis() + " ms", null));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(
					new StoreUnavailableException("Interrupted while waiting to " + what, ex));
		}
		List<Call> calls;
		this.lock.lock();
		try {
			Lane lane = this.lanes.computeIfAbsent(append.stream(), (stream) -> new Lane());
			lane.waiting.add(append);
			lane.queued++;
			calls = sendReady(append.stream(), lane);
		}
		finally {
			this.lock.unlock();
		}
		whenAnswered(calls);
		return append.result();
	}

	private void answered(Call call, List<Object> reply, Throwable failure) {
		boolean queued;
		this.lock.lock();
		try {
			Lane lane = this.lanes.get(call.stream());
			lane.calls--;
			queued = !lane.waiting.isEmpty();
			if (!queued && lane.calls == 0) {
				this.lanes.remove(call.stream());
			}
		}
		finally {
			this.lock.unlock();
		}
		if (queued) {
			this.sender.execute(() -> sendQueued(call.stream()));
		}
		this.permits.release(call.appends().size());
		for (int i = 0; i < call.appends().size(); i++) {
			call.appends().get(i).answer(reply, failure, i);
		}
	}

	private void sendQueued(String stream) {
		List<Call> calls = List.of();
		this.lock.lock();
		try {
			Lane lane = this.lanes.get(stream);
			if (lane != null) {
				calls = sendReady(stream, lane);
			}
		}
		finally {
			this.lock.unlock();
		}
		whenAnswered(calls);
	}

	// Attached outside the lock: a call that failed at once is answered here.
	private void whenAnswered(List<Call> calls) {
		for (Call call : calls) {
			call.reply().whenComplete((reply, failure) -> answered(call, reply, failure));
		}
	}

	// Under the lock: sends the stream's queued appends while it may have more
	// calls on their way.
	private List<Call> sendReady(String stream, Lane lane) {
		if (lane.waiting.isEmpty() || lane.calls >= CALLS_PER_STREAM) {
			return List.of();
		}
		List<Call> calls = new ArrayList<>(CALLS_PER_STREAM);
		while (!lane.waiting.isEmpty() && lane.calls < CALLS_PER_STREAM) {
			List<QueuedAppend<?>> batch = QueuedAppend.takeBatch(lane.waiting, MAX_BATCH_EVENTS, MAX_BATCH_BYTES);
			lane.calls++;
			lane.taken += batch.size();
			calls.add(new Call(stream, batch, QueuedAppend.send(batch)));
		}
		this.sent.signalAll();
		return calls;
	}

	/**
	 * Reads one append's result from the reply of the script call that carried
	 * it.
	 * @param <T> the result
	 */
	@FunctionalInterface
	interface Decoder<T> {

		/**
		 * Reads the result.
		 * @param reply the call's reply
		 * @param index the append's place among the call's appends, from 0
		 * @return the result
		 */
		T decode(List<Object> reply, int index);

	}

	/**
	 * A stream's calls on their way and the appends queued behind them.
	 */
	private static final class Lane {

		private int calls;

		// Appends ever queued on this lane, and ever taken into a call: an append
		// queued as the n-th has been sent once taken reaches n.
		private long queued;

		private long taken;

		private final ArrayDeque<QueuedAppend<?>> waiting = new ArrayDeque<>();

	}

	/**
	 * One script call on its way, with the appends it carries in order.
	 */
	private record Call(String stream, List<QueuedAppend<?>> appends, CompletableFuture<List<Object>> reply) {

	}

}
