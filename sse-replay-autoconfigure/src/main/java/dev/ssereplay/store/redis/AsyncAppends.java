package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * The bound on appends sent to Redis without waiting
 * ({@link RedisReplayStore#appendAsync}): an append takes a place before it is
 * sent, waiting for one at most the command timeout, since each append in flight
 * is answered or fails within it, and gives it back when Redis answered or the
 * call failed. So a publisher faster than Redis is slowed to its pace, and the
 * appends in flight stay bounded.
 * <p>
 * Thread-safe.
 */
final class AsyncAppends {

	private static final String MAX_IN_FLIGHT_PROPERTY = "sse.replay.redis.max-in-flight-appends";

	private final int maxInFlight;

	// One per append sent and not answered yet.
	private final Semaphore permits;

	private final Duration commandTimeout;

	/**
	 * Creates the bound.
	 * @param maxInFlight the most appends sent and not answered yet, positive
	 * @param commandTimeout how long a call waits for a place
	 */
	AsyncAppends(int maxInFlight, Duration commandTimeout) {
		this.maxInFlight = maxInFlight;
		this.permits = new Semaphore(maxInFlight);
		this.commandTimeout = commandTimeout;
	}

	/**
	 * Sends one append once it has a place among those in flight.
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @param send sends the append script and returns its reply; must not throw,
	 * but return a failed future
	 * @param decode turns the script's reply into the result, such as the stored
	 * event; what it throws fails the returned future
	 * @param <T> the result
	 * @return the result, or a future failed with a
	 * {@link StoreUnavailableException} when no place was free within the command
	 * timeout, or with what {@code send} or {@code stored} failed with
	 */
	<T> CompletableFuture<T> send(String what, Supplier<CompletableFuture<List<Object>>> send,
			Function<List<Object>, T> decode) {
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
		CompletableFuture<T> appended = new CompletableFuture<>();
		send.get().whenComplete((reply, failure) -> {
			this.permits.release();
			if (failure != null) {
				appended.completeExceptionally(failure);
				return;
			}
			try {
				appended.complete(decode.apply(reply));
			}
			catch (RuntimeException ex) {
				appended.completeExceptionally(ex);
			}
		});
		return appended;
	}

	/**
	 * Returns how many appends await Redis's answer.
	 */
	int inFlight() {
		return this.maxInFlight - this.permits.availablePermits();
	}

}
