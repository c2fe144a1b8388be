package dev.ssereplay.web;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.ssereplay.broker.TooManyConnectionsException;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.event.InvalidEventException;
import dev.ssereplay.event.InvalidStreamNameException;
import dev.ssereplay.store.StoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statuses {@link SseReplayExceptionHandler} answers with.
 */
class SseReplayExceptionHandlerTests {

	private final SseReplayExceptionHandler handler = new SseReplayExceptionHandler();

	@Test
	void mapsEachExceptionToItsStatusWithTheMessage() {
		assertStatus(new InvalidStreamNameException("a b"), HttpStatus.BAD_REQUEST);
		assertStatus(new InvalidEventException("bad name"), HttpStatus.BAD_REQUEST);
		assertStatus(new EventTooLargeException(10, 5), HttpStatus.CONTENT_TOO_LARGE);
		assertStatus(new TooManyConnectionsException(3), HttpStatus.SERVICE_UNAVAILABLE);
		assertStatus(new StoreUnavailableException("down", new RuntimeException()), HttpStatus.SERVICE_UNAVAILABLE);
	}

	private void assertStatus(RuntimeException ex, HttpStatus status) {
		ResponseEntity<ProblemDetail> response = this.handler.handle(ex);
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(response.getBody().getDetail()).isEqualTo(ex.getMessage());
	}

}
