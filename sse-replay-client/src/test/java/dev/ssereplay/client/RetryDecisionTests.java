package dev.ssereplay.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which ends of a connection {@link SseClient} reconnects after, and when it asks the
 * application's retry policy.
 */
class RetryDecisionTests {

	@Test
	void retriesAConnectionThatFailedEndedOrTimedOutWithoutAskingThePolicy() {
		List<SseResponseException> asked = new ArrayList<>();
		RetryDecision decision = new RetryDecision((response) -> {
			asked.add(response);
			return false;
		});
		assertThat(decision.shouldRetry(new IOException("Connection refused"))).isTrue();
		assertThat(decision.shouldRetry(new EOFException("The server ended the event stream"))).isTrue();
		assertThat(decision.shouldRetry(new HttpTimeoutException("Received nothing"))).isTrue();
		assertThat(decision.shouldRetry(new ProtocolException("Line too long"))).isTrue();
		assertThat(decision.shouldRetry(new IllegalStateException("unexpected"))).isTrue();
		assertThat(asked).isEmpty();
	}

	@Test
	void asksThePolicyAboutAnAnswerThatIsNotAnEventStream() {
		List<SseResponseException> asked = new ArrayList<>();
		RetryDecision decision = new RetryDecision((response) -> {
			asked.add(response);
			return response.statusCode() >= 500;
		});
		SseResponseException unavailable = new SseResponseException(503, "text/plain");
		SseResponseException notFound = new SseResponseException(404, null);
		SseResponseException notAStream = new SseResponseException(200, "text/html");
		assertThat(decision.shouldRetry(unavailable)).isTrue();
		assertThat(decision.shouldRetry(notFound)).isFalse();
		assertThat(decision.shouldRetry(notAStream)).isFalse();
		assertThat(asked).containsExactly(unavailable, notFound, notAStream);
	}

	@Test
	void aPolicyThatThrowsDoesNotRetry() {
		RetryDecision decision = new RetryDecision((response) -> {
			throw new IllegalStateException("broken policy");
		});
		assertThat(decision.shouldRetry(new SseResponseException(503, null))).isFalse();
		assertThat(decision.shouldRetry(new EOFException())).isTrue();
	}

}
