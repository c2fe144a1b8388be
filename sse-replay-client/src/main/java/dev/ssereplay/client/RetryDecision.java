package dev.ssereplay.client;

import java.lang.System.Logger.Level;
import java.util.function.Predicate;

/**
 * Decides whether a client reconnects after its connection ended: always after the
 * connection failed, ended or timed out, and after an answer that is not an event
 * stream only when the application's retry policy says so. A policy that throws
 * counts as a no.
 *
 * <p>The policy is the application's code: call {@link #shouldRetry} without holding
 * a lock.
 */
final class RetryDecision {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final Predicate<? super SseResponseException> retryPolicy;

	RetryDecision(Predicate<? super SseResponseException> retryPolicy) {
		this.retryPolicy = retryPolicy;
	}

	/**
	 * Returns whether to reconnect after a connection ended.
	 * @param cause why it ended, as {@link Connection.Listener#onEnd} reports it
	 * @return {@code true} to reconnect with backoff, {@code false} to close the
	 * client and pass the cause to its subscribers
	 */
	boolean shouldRetry(Throwable cause) {
		if (!(cause instanceof SseResponseException)) {
			return true;
		}
		try {
			return this.retryPolicy.test((SseResponseException) cause);
		}
		catch (RuntimeException policyFailure) {
			logger.log(Level.WARNING, "SSE retry policy threw; not retrying", policyFailure);
			return false;
		}
	}

}
