package dev.ssereplay.web;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.ssereplay.broker.BrokerClosedException;
import dev.ssereplay.broker.TooManyConnectionsException;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.event.InvalidEventException;
import dev.ssereplay.event.InvalidStreamNameException;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamCompletedException;

/**
 * Maps sse-replay's exceptions, thrown from handler methods that subscribe or
 * publish, to HTTP statuses with a problem detail body: an invalid stream name
 * or event is a 400, an oversized event a 413, a stream that has ended a 204 for
 * a subscribe and a 409 for a publish.
 * <p>
 * When the server cannot serve a stream now (the connection limit, an
 * unavailable store, shutdown), it tells the client to come back: a browser's
 * {@code EventSource} gives up for good on any answer but 200, so a request for
 * an event stream gets 200 with a {@code retry:} field of a few seconds,
 * jittered so that the clients of an overloaded server do not return at once,
 * and an empty stream, after which it reconnects. Any other request (a
 * publish) gets 503 with {@code Retry-After}. Runs after the application's own
 * handlers.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class SseReplayExceptionHandler {

	private static final long OVERLOADED_RETRY_MILLIS = 2_000;

	private static final long UNAVAILABLE_RETRY_MILLIS = 5_000;

	/**
	 * Answers an sse-replay exception with its status and message.
	 * @param ex the exception
	 * @return the problem detail response
	 */
	@ExceptionHandler({ InvalidStreamNameException.class, InvalidEventException.class,
			EventTooLargeException.class })
	public ResponseEntity<ProblemDetail> handle(RuntimeException ex) {
		HttpStatus status = (ex instanceof EventTooLargeException) ? HttpStatus.CONTENT_TOO_LARGE
				: HttpStatus.BAD_REQUEST;
		return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, ex.getMessage()));
	}

	/**
	 * Answers a request about a stream that has ended: a {@code GET} (a client
	 * with nothing left to receive) with {@code 204 No Content}, which stops a
	 * browser's {@code EventSource} and sse-replay's client for good; any other
	 * request (a publish) with {@code 409 Conflict}.
	 * @param ex the exception
	 * @param request the request
	 * @return the response
	 */
	@ExceptionHandler(StreamCompletedException.class)
	public ResponseEntity<?> ended(StreamCompletedException ex, HttpServletRequest request) {
		if (request != null && HttpMethod.GET.matches(request.getMethod())) {
			return ResponseEntity.noContent().build();
		}
		HttpStatus status = HttpStatus.CONFLICT;
		return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, ex.getMessage()));
	}

	/**
	 * Tells the client to come back later: an event-stream request with an empty
	 * stream and a jittered {@code retry:}, any other with 503 and
	 * {@code Retry-After}.
	 * @param ex the exception
	 * @param request the request
	 * @return the response
	 */
	@ExceptionHandler({ TooManyConnectionsException.class, StoreUnavailableException.class,
			BrokerClosedException.class })
	public ResponseEntity<?> comeBackLater(RuntimeException ex, HttpServletRequest request) {
		long base = (ex instanceof TooManyConnectionsException) ? OVERLOADED_RETRY_MILLIS : UNAVAILABLE_RETRY_MILLIS;
		// Between half and one and a half times the base.
		long retryMillis = base / 2 + ThreadLocalRandom.current().nextLong(base + 1);
		if (isEventStreamRequest(request)) {
			// One block: why, as a comment, and when to come back.
			String body = ": " + ex.getMessage().replace('\r', ' ').replace('\n', ' ') + "\nretry: " + retryMillis
					+ "\n\n";
			return ResponseEntity.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header(HttpHeaders.CACHE_CONTROL, "no-cache")
				.body(body);
		}
		HttpStatus status = HttpStatus.SERVICE_UNAVAILABLE;
		return ResponseEntity.status(status)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryMillis + 999) / 1000)))
			.body(ProblemDetail.forStatusAndDetail(status, ex.getMessage()));
	}

	private static boolean isEventStreamRequest(HttpServletRequest request) {
		if (request == null || !HttpMethod.GET.matches(request.getMethod())) {
			return false;
		}
		String accept = request.getHeader(HttpHeaders.ACCEPT);
		return accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE);
	}

}
