package dev.ssereplay.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.ssereplay.broker.TooManyConnectionsException;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.event.InvalidEventException;
import dev.ssereplay.event.InvalidStreamNameException;
import dev.ssereplay.store.StoreUnavailableException;

/**
 * Maps sse-replay's exceptions, thrown from handler methods that subscribe or
 * publish, to HTTP statuses with a problem detail body: an invalid stream name
 * or event is a 400, an oversized event a 413, the connection limit and an
 * unavailable store a 503. Runs after the application's own handlers.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class SseReplayExceptionHandler {

	/**
	 * Answers an sse-replay exception with its status and message.
	 * @param ex the exception
	 * @return the problem detail response
	 */
	@ExceptionHandler({ InvalidStreamNameException.class, InvalidEventException.class,
			EventTooLargeException.class, TooManyConnectionsException.class, StoreUnavailableException.class })
	public ResponseEntity<ProblemDetail> handle(RuntimeException ex) {
		HttpStatus status = statusOf(ex);
		return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, ex.getMessage()));
	}

	private static HttpStatus statusOf(RuntimeException ex) {
		if (ex instanceof EventTooLargeException) {
			return HttpStatus.CONTENT_TOO_LARGE;
		}
		if (ex instanceof TooManyConnectionsException || ex instanceof StoreUnavailableException) {
			return HttpStatus.SERVICE_UNAVAILABLE;
		}
		return HttpStatus.BAD_REQUEST;
	}

}
