package dev.ssereplay.web;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.broker.Client;
import dev.ssereplay.event.EventId;
import dev.ssereplay.event.InvalidStreamNameException;
import dev.ssereplay.event.Position;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What {@link SubscriptionGate} decides before a connection is opened.
 */
class SubscriptionGateTests {

	private static final String ID = Long.toString(42, 36) + "-7";

	private final Broker broker = new Broker(new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1)),
			BrokerOptions.defaults(), Runnable::run);

	@AfterEach
	void close() {
		this.broker.close();
	}

	@Test
	void theTimeoutIsSpreadOverATenthEitherSide() {
		SubscriptionGate gate = gate(Duration.ofSeconds(1), null);
		Set<Long> timeouts = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			timeouts.add(admit(gate, SubscribeOptions.defaults(), null).timeoutMillis());
		}
		assertThat(timeouts).allSatisfy((timeout) -> assertThat(timeout).isBetween(900L, 1100L)).hasSizeGreaterThan(1);
	}

	@Test
	void aZeroTimeoutMeansNoLimitAndATinyOneIsNotSpread() {
		assertThat(admit(gate(Duration.ZERO, null), SubscribeOptions.defaults(), null).timeoutMillis()).isEqualTo(-1);
		assertThat(admit(gate(Duration.ofMillis(9), null), SubscribeOptions.defaults(), null).timeoutMillis())
			.isEqualTo(9);
	}

	@Test
	void thePositionAndClientComeFromTheRequest() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr("10.0.0.1");
		request.setUserPrincipal(() -> "alice");
		request.addHeader(SseReplay.LAST_EVENT_ID_HEADER, ID);
		SubscriptionGate.Admission admission = admit(gate(Duration.ZERO, null), SubscribeOptions.defaults(), request);
		assertThat(admission.from()).isEqualTo(Position.after(EventId.parse(ID)));
		assertThat(admission.client()).isEqualTo(new Client("10.0.0.1", "alice"));
		assertThat(admission.settings().expiresAt()).isNull();
	}

	@Test
	void aPositionInTheOptionsWinsOverTheRequest() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader(SseReplay.LAST_EVENT_ID_HEADER, ID);
		SubscribeOptions fresh = SubscribeOptions.builder().lastEventId(null).build();
		assertThat(admit(gate(Duration.ZERO, null), fresh, request).from()).isInstanceOf(Position.Fresh.class);
		SubscribeOptions malformed = SubscribeOptions.builder().lastEventId("not an id").build();
		assertThat(admit(gate(Duration.ZERO, null), malformed, request).from()).isInstanceOf(Position.Malformed.class);
	}

	@Test
	void theOptionsBecomeTheConnectionSettings() {
		SubscribeOptions options = SubscribeOptions.builder().eventNames(Set.of("tick")).queueDepth(8).build();
		SubscriptionGate.Admission admission = admit(gate(Duration.ZERO, null), options, null);
		assertThat(admission.client()).isEqualTo(Client.UNKNOWN);
		assertThat(admission.settings().queueDepth()).isEqualTo(8);
		assertThat(admission.settings().eventNames().test("tick")).isTrue();
		assertThat(admission.settings().eventNames().test("message")).isFalse();
	}

	@Test
	void theAuthorizerSeesTheStreamPrincipalAndPositionAndItsExpiryIsKept() {
		Instant until = Instant.now().plusSeconds(60);
		SubscriptionRequest[] seen = new SubscriptionRequest[1];
		SubscriptionGate gate = gate(Duration.ZERO, (request) -> {
			seen[0] = request;
			return SubscriptionDecision.allowUntil(until);
		});
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setUserPrincipal(() -> "alice");
		request.setParameter(SseReplay.LAST_EVENT_ID_PARAMETER, ID);
		assertThat(admit(gate, SubscribeOptions.defaults(), request).settings().expiresAt()).isEqualTo(until);
		assertThat(seen[0].stream()).isEqualTo("s");
		assertThat(seen[0].principal().getName()).isEqualTo("alice");
		assertThat(seen[0].lastEventId()).isEqualTo(ID);
		assertThat(seen[0].request()).isSameAs(request);
	}

	@Test
	void aDenialIsCountedAndThrown() {
		SubscriptionGate gate = gate(Duration.ZERO, (request) -> SubscriptionDecision.deny("not yours"));
		assertThatExceptionOfType(SubscriptionDeniedException.class)
			.isThrownBy(() -> admit(gate, SubscribeOptions.defaults(), null))
			.withMessageContaining("not yours");
		assertThat(this.broker.statistics().getDenied()).isEqualTo(1);
	}

	@Test
	void anAuthorizationThatHasExpiredIsADenial() {
		Instant past = Instant.now().minusSeconds(1);
		SubscriptionGate gate = gate(Duration.ZERO, (request) -> SubscriptionDecision.allowUntil(past));
		assertThatExceptionOfType(SubscriptionDeniedException.class)
			.isThrownBy(() -> admit(gate, SubscribeOptions.defaults(), null))
			.withMessageContaining("expired at " + past);
		assertThat(this.broker.statistics().getDenied()).isEqualTo(1);
	}

	@Test
	void anAuthorizerWithoutADecisionFailsTheSubscription() {
		SubscriptionGate gate = gate(Duration.ZERO, (request) -> null);
		assertThatIllegalStateException().isThrownBy(() -> admit(gate, SubscribeOptions.defaults(), null))
			.withMessageContaining("no decision for stream 's'");
		assertThat(this.broker.statistics().getDenied()).isZero();
	}

	@Test
	void anInvalidStreamNameIsRejectedBeforeTheAuthorizerIsAsked() {
		SubscriptionGate gate = gate(Duration.ZERO, (request) -> {
			throw new AssertionError("asked about " + request.stream());
		});
		assertThatExceptionOfType(InvalidStreamNameException.class)
			.isThrownBy(() -> gate.admit("a b", SubscribeOptions.defaults(), null));
	}

	private SubscriptionGate gate(Duration connectionTimeout, SubscriptionAuthorizer authorizer) {
		return new SubscriptionGate(this.broker, connectionTimeout, authorizer);
	}

	private static SubscriptionGate.Admission admit(SubscriptionGate gate, SubscribeOptions options,
			MockHttpServletRequest request) {
		return gate.admit("s", options, request);
	}

}
