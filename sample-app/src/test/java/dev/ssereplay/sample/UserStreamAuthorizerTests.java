package dev.ssereplay.sample;

import java.security.Principal;

import org.junit.jupiter.api.Test;

import dev.ssereplay.web.SubscriptionDecision;
import dev.ssereplay.web.SubscriptionRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which user may read which stream.
 */
class UserStreamAuthorizerTests {

	private static final Principal ALICE = () -> "alice";

	private final UserStreamAuthorizer authorizer = new UserStreamAuthorizer();

	private SubscriptionDecision decide(String stream, Principal user) {
		return this.authorizer.authorize(new SubscriptionRequest(stream, user, null, null));
	}

	@Test
	void aUserReadsTheirOwnStreams() {
		assertThat(decide("user.alice.inbox", ALICE).isAllowed()).isTrue();
		assertThat(decide("user.alice.a.b:c", ALICE).isAllowed()).isTrue();
		assertThat(decide("user.alice", ALICE).isAllowed()).isTrue();
	}

	@Test
	void noOneElseReadsThem() {
		SubscriptionDecision bob = decide("user.alice.inbox", () -> "bob");
		assertThat(bob.isAllowed()).isFalse();
		assertThat(bob.reason()).isEqualTo("a user's streams can be read by that user only");
		assertThat(decide("user.alice.inbox", null).isAllowed()).isFalse();
		assertThat(decide("user.alicette.inbox", ALICE).isAllowed()).isFalse();
		assertThat(decide("user.Alice.inbox", ALICE).isAllowed()).isFalse();
	}

	@Test
	void aUserStreamWithoutAUserIsNoOnes() {
		assertThat(decide("user..inbox", ALICE).isAllowed()).isFalse();
		assertThat(decide("user.", ALICE).isAllowed()).isFalse();
		assertThat(decide("user.", null).isAllowed()).isFalse();
	}

	@Test
	void otherStreamsAreLeftToTheFilterChain() {
		assertThat(decide("demo", ALICE).isAllowed()).isTrue();
		assertThat(decide("users.alice", () -> "bob").isAllowed()).isTrue();
		assertThat(decide("user", null).isAllowed()).isTrue();
		assertThat(decide("answer-1", null).isAllowed()).isTrue();
	}

	@Test
	void theOwnerIsTheNameUpToTheNextDot() {
		assertThat(UserStreamAuthorizer.owner("user.alice.inbox")).isEqualTo("alice");
		assertThat(UserStreamAuthorizer.owner("user.alice")).isEqualTo("alice");
		assertThat(UserStreamAuthorizer.owner("user..inbox")).isEmpty();
		assertThat(UserStreamAuthorizer.owner("demo")).isNull();
	}

}
