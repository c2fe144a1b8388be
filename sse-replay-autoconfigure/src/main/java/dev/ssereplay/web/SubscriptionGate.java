package dev.ssereplay.web;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.http.HttpServletRequest;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.Client;
import dev.ssereplay.broker.ConnectionSettings;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.StreamNames;

/**
 * Decides whether a request may subscribe to a stream, and on what terms: it
 * checks the stream name, asks the {@link SubscriptionAuthorizer}, and turns the
 * request and its {@link SubscribeOptions} into what the broker needs, before
 * anything is registered or written.
 * <p>
 * Thread-safe.
 */
final class SubscriptionGate {

	private final Broker broker;

	private final Duration connectionTimeout;

	private final SubscriptionAuthorizer authorizer;

	/**
	 * Creates a gate.
	 * @param broker the broker told of denials
	 * @param connectionTimeout how long a connection stays open, give or take a
	 * tenth; zero for no limit
	 * @param authorizer who may subscribe, or {@code null} for anyone
	 */
	SubscriptionGate(Broker broker, Duration connectionTimeout, SubscriptionAuthorizer authorizer) {
		this.broker = broker;
		this.connectionTimeout = connectionTimeout;
		this.authorizer = authorizer;
	}

	/**
	 * Admits a request to a stream.
	 * @param stream the stream name
	 * @param options how this subscription differs from the defaults
	 * @param request the request, or {@code null} outside one
	 * @return what the connection is opened with
	 * @throws dev.ssereplay.event.InvalidStreamNameException when the name is invalid
	 * @throws SubscriptionDeniedException when the authorizer denies it, or its
	 * authorization has already expired
	 */
	Admission admit(String stream, SubscribeOptions options, HttpServletRequest request) {
		StreamNames.check(stream);
		String lastEventId = options.isLastEventIdGiven() ? options.lastEventId()
				: EventStreamHttp.lastEventId(request);
		Client client = EventStreamHttp.client(request);
		Instant expiresAt = authorize(stream, lastEventId, request, client);
		Set<String> names = options.eventNames();
		ConnectionSettings settings = new ConnectionSettings((names != null) ? names::contains : null,
				options.queueDepth(), options.slowPolicy(), expiresAt);
		return new Admission(Position.parse(lastEventId), client, settings, timeoutMillis());
	}

	// Asks the authorizer; returns when the authorization ends, or null for never.
	private Instant authorize(String stream, String lastEventId, HttpServletRequest request, Client client) {
		if (this.authorizer == null) {
			return null;
		}
		Principal principal = (request != null) ? request.getUserPrincipal() : null;
		SubscriptionDecision decision = this.authorizer
			.authorize(new SubscriptionRequest(stream, principal, lastEventId, request));
		if (decision == null) {
			throw new IllegalStateException("The SubscriptionAuthorizer returned no decision for stream '" + stream
					+ "'");
		}
		String denied = null;
		if (!decision.isAllowed()) {
			denied = decision.reason();
		}
		else if (decision.expiresAt() != null && !decision.expiresAt().isAfter(Instant.now())) {
			denied = "the authorization expired at " + decision.expiresAt();
		}
		if (denied != null) {
			this.broker.denied(stream, client);
			throw new SubscriptionDeniedException(stream, denied);
		}
		return decision.expiresAt();
	}

	// The connection timeout, spread over plus or minus a tenth, so that the
	// connections opened together (after a deploy, a network blip) do not all end
	// and reconnect together.
	private long timeoutMillis() {
		if (this.connectionTimeout.isZero()) {
			return -1L;
		}
		long base = this.connectionTimeout.toMillis();
		long spread = base / 10;
		return base - spread + ((spread > 0) ? ThreadLocalRandom.current().nextLong(2 * spread + 1) : 0);
	}

	/**
	 * What an admitted request subscribes with.
	 *
	 * @param from where the client resumes
	 * @param client who the request comes from
	 * @param settings the connection's filter, queue, slow policy and expiry
	 * @param timeoutMillis how long the connection stays open, or {@code -1} for no
	 * limit
	 */
	record Admission(Position from, Client client, ConnectionSettings settings, long timeoutMillis) {

	}

}
