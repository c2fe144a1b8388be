package dev.ssereplay.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers the sample's own request errors with a problem detail; sse-replay's
 * exceptions are answered by the starter's handler.
 */
@RestControllerAdvice
class SampleExceptionHandler {

	@ExceptionHandler(Utf8Body.InvalidBodyException.class)
	ResponseEntity<ProblemDetail> invalidBody(Utf8Body.InvalidBodyException ex) {
		return ResponseEntity.badRequest()
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage()));
	}

}
