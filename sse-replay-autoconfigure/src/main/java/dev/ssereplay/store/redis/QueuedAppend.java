package dev.ssereplay.store.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An asynchronous append that has its place among those in flight: how it is
 * sent, alone or in one script call with the appends queued after it for the
 * same stream, and how its result is read from the reply of its call. Which
 * appends go together is {@link #takeBatch}'s; {@link AsyncAppends} decides
 * when.
 * <p>
 * Its future is completed once, by whichever thread hands it the answer.
 *
 * @param <T> its result
 */
final class QueuedAppend<T> {

	private final String stream;

	// Null for an append that goes alone.
	private final byte[] body;

	private final Supplier<CompletableFuture<List<Object>>> alone;

	// Null for an append that goes alone.
	private final Function<List<byte[]>, CompletableFuture<List<Object>>> together;

	private final AsyncAppends.Decoder<T> decoder;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	/**
	 * @param body the event's body, counted against a batch's bytes; {@code null}
	 * for an append that goes alone
	 * @param alone sends this append by itself
	 * @param together sends the bodies of this append and of those after it, in
	 * order, as one call; {@code null} for an append that goes alone
	 * @param decoder reads this append's result from its call's reply
	 */
	QueuedAppend(String stream, byte[] body, Supplier<CompletableFuture<List<Object>>> alone,
			Function<List<byte[]>, CompletableFuture<List<Object>>> together, AsyncAppends.Decoder<T> decoder) {
		this.stream = stream;
		this.body = body;
		this.alone = alone;
		this.together = together;
		this.decoder = decoder;
	}

	String stream() {
		return this.stream;
	}

	CompletableFuture<T> result() {
		return this.result;
	}

	/**
	 * Hands this append its answer: its result read from the reply, or the
	 * failure of its call.
	 * @param index its place among its call's appends, from 0
	 */
	void answer(List<Object> reply, Throwable failure, int index) {
		if (failure != null) {
			this.result.completeExceptionally(failure);
			return;
		}
		try {
			this.result.complete(this.decoder.decode(reply, index));
		}
		catch (RuntimeException ex) {
			this.result.completeExceptionally(ex);
		}
	}

	/**
	 * Takes the appends that go in the next call from the front of a stream's
	 * queue: the first, and, when it may go with others, those after it that may
	 * too, up to the bounds; an append that goes alone, or one that would pass the
	 * byte bound, waits for the next call.
	 * @param waiting the stream's queue, not empty
	 */
	static List<QueuedAppend<?>> takeBatch(ArrayDeque<QueuedAppend<?>> waiting, int maxEvents, int maxBytes) {
		QueuedAppend<?> first = waiting.poll();
		if (first.together == null || waiting.isEmpty()) {
			return List.of(first);
		}
		List<QueuedAppend<?>> batch = new ArrayList<>(Math.min(waiting.size() + 1, maxEvents));
		batch.add(first);
		long bytes = first.body.length;
		while (batch.size() < maxEvents && !waiting.isEmpty()) {
			QueuedAppend<?> next = waiting.peek();
			if (next.together == null || bytes + next.body.length > maxBytes) {
				break;
			}
			bytes += next.body.length;
			batch.add(waiting.poll());
		}
		return batch;
	}

	/**
	 * Sends a batch as one script call: alone for one append, else through the
	 * first's {@code together} with every body in order.
	 * @return the call's reply, or a failed future; never throws
	 */
	static CompletableFuture<List<Object>> send(List<QueuedAppend<?>> batch) {
		try {
			if (batch.size() == 1) {
				return batch.get(0).alone.get();
			}
			List<byte[]> bodies = new ArrayList<>(batch.size());
			for (QueuedAppend<?> append : batch) {
				bodies.add(append.body);
			}
			return batch.get(0).together.apply(bodies);
		}
		catch (RuntimeException ex) {
			// Never thrown by the store's senders; the calls' count stays right if it is.
			return CompletableFuture.failedFuture(ex);
		}
	}

}
