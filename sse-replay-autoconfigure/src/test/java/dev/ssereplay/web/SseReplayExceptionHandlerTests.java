package dev.ssereplay.web;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import dev.ssereplay.broker.BrokerClosedException;
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
		assertStatus(new BrokerClosedException(), HttpStatus.SERVICE_UNAVAILABLE);
	}

	@Test
	void aPublishTheServerCannotTakeNowGetsRetryAfter() {
		ResponseEntity<?> response = this.handler.comeBackLater(new TooManyConnectionsException(3), publish());
		assertThat(response.getHeaders().getFirst("Retry-After")).isIn("1", "2", "3");
	}

	@Test
	void anEventStreamTheServerCannotServeNowTellsTheBrowserToComeBackInAFewSeconds() {
		// EventSource gives up for good on anything but 200.
		for (RuntimeException ex : List.of(new TooManyConnectionsException(3),
				new StoreUnavailableException("down", new RuntimeException()), new BrokerClosedException())) {
			ResponseEntity<?> response = this.handler.comeBackLater(ex, stream());
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.TEXT_EVENT_STREAM);
			String body = (String) response.getBody();
			assertThat(body).startsWith(": ").contains(ex.getMessage()).endsWith("\n\n").doesNotContain("data:");
			long retry = Long.parseLong(body.substring(body.indexOf("retry: ") + 7, body.length() - 2));
			long base = (ex instanceof TooManyConnectionsException) ? 2_000 : 5_000;
			assertThat(retry).isBetween(base / 2, base * 3 / 2);
		}
	}

	@Test
	void theDelayIsJitteredSoClientsDoNotReturnAtOnce() {
		Set<String> bodies = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			bodies.add((String) this.handler.comeBackLater(new TooManyConnectionsException(3), stream()).getBody());
		}
		assertThat(bodies).hasSizeGreaterThan(1);
	}

	private void assertStatus(RuntimeException ex, HttpStatus status) {
		ResponseEntity<?> response = (status == HttpStatus.SERVICE_UNAVAILABLE)
				? this.handler.comeBackLater(ex, publish()) : this.handler.handle(ex);
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(((ProblemDetail) response.getBody()).getDetail()).isEqualTo(ex.getMessage());
	}

	private static MockHttpServletRequest publish() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/streams/s");
		request.addHeader("Accept", "application/json");
		return request;
	}

	private static MockHttpServletRequest stream() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/streams/s");
		request.addHeader("Accept", "text/event-stream");
		return request;
	}

}
