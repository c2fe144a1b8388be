package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * What every call of the store to Redis goes through: the check that its
 * connection is up before anything is sent, the store's own command timeout,
 * waited for or scheduled, and the translation of its failure into the
 * {@link StoreUnavailableException} the caller gets, reported to the
 * {@link NodeHealth} of the node it went to.
 * <p>
 * Thread-safe: it holds only the timeout and the health, which is thread-safe.
 */
final class RedisCalls {

	private static final String TIMEOUT_PROPERTY = "sse.replay.redis.command-timeout";

	private final NodeHealth health;

	private final long timeoutNanos;

	RedisCalls(NodeHealth health, Duration timeout) {
		this.health = health;
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Returns when a call that starts now must have been answered, from
	 * {@link System#nanoTime()}.
	 */
	long deadline() {
		return System.nanoTime() + this.timeoutNanos;
	}

	/**
	 * Returns the commands of a connection that is up; see
	 * {@link RedisNodes#isOpen}.
	 * @throws StoreUnavailableException when it is down, reported to the health
	 */
	RedisClusterAsyncCommands<byte[], byte[]> connected(RedisConnection connection, String what) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = RedisNodes.commands(connection);
		if (!RedisNodes.isOpen(commands)) {
			this.health.connectionDown();
			throw new StoreUnavailableException("Could not " + what + ": the connection to Redis is down and "
					+ "reconnecting; nothing was sent", null);
		}
		return commands;
	}

	/**
	 * Waits for one command's answer, at most the timeout, and cancels it
	 * otherwise.
	 */
	<T> T answer(RedisFuture<T> future) {
		return LettuceFutures.awaitOrCancel(future, this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Completes a future with a command's answer, or fails it when Redis did not
	 * answer within the timeout (cancelling the command unless it was written
	 * already), and reports the outcome to the health.
	 * @param answer what completes with the answer
	 * @param sent the command, cancelled on a timeout
	 * @param failure turns a failure into the exception the caller gets, and
	 * reports it
	 */
	<T> CompletableFuture<T> answerAsync(CompletionStage<T> answer, Future<?> sent, String what,
			NodeHealth.Node target, Function<Throwable, StoreUnavailableException> failure) {
		CompletableFuture<T> reply = new CompletableFuture<>();
		// Cancelled, and so removed from the JDK's delay queue, when Redis answers.
		CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(this.timeoutNanos,
				TimeUnit.NANOSECONDS);
		timer.whenComplete((ignored, timeout) -> {
			if (timeout != null && !reply.isDone()) {
				sent.cancel(false);
				RedisCommandTimeoutException ex = new RedisCommandTimeoutException(
						"Command timed out after " + TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms");
				reply.completeExceptionally(failed(what, ex, target));
			}
		});
		answer.whenComplete((value, thrown) -> {
			timer.complete(null);
			if (reply.isDone()) {
				return;
			}
			if (thrown == null) {
				this.health.reachable(target);
				reply.complete(value);
			}
			else {
				reply.completeExceptionally(failure.apply(thrown));
			}
		});
		return reply;
	}

	/**
	 * Turns a failure into the exception the caller gets, and reports it to the
	 * health, which makes the calls that follow fail fast when it shows that
	 * Redis (or a master) cannot be reached.
	 * @param target what the failure is reported to, or {@code null} for nothing
	 */
	StoreUnavailableException failed(String what, RuntimeException ex, NodeHealth.Node target) {
		if (ex instanceof StoreUnavailableException unavailable) {
			return unavailable;
		}
		String message;
		if (ex instanceof RedisCommandTimeoutException) {
			message = "Could not " + what + ": Redis did not answer within "
					+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms (" + TIMEOUT_PROPERTY
					+ "); a command already sent may still run";
		}
		else {
			message = "Could not " + what + " in Redis: " + ex.getMessage();
		}
		this.health.failed(target, ex);
		return new StoreUnavailableException(message, ex);
	}

}
