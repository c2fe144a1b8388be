package dev.ssereplay.web;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@link SubscriptionAuthorizer}'s answer: allowed, allowed until a time, or
 * denied with a reason the client is told.
 */
public final class SubscriptionDecision {

	private static final SubscriptionDecision ALLOW = new SubscriptionDecision(true, null, null);

	private final boolean allowed;

	private final Instant expiresAt;

	private final String reason;

	private SubscriptionDecision(boolean allowed, Instant expiresAt, String reason) {
		this.allowed = allowed;
		this.expiresAt = expiresAt;
		this.reason = reason;
	}

	/**
	 * Allows the subscription for as long as the connection lasts.
	 * @return the decision
	 */
	public static SubscriptionDecision allow() {
		return ALLOW;
	}

	/**
	 * Allows the subscription until a time, such as the expiry of the token it
	 * was authorized with: then the connection ends, and the client reconnects
	 * and is authorized again. A time that has passed denies it.
	 * @param expiresAt when the authorization ends
	 * @return the decision
	 */
	public static SubscriptionDecision allowUntil(Instant expiresAt) {
		return new SubscriptionDecision(true, Objects.requireNonNull(expiresAt, "expiresAt"), null);
	}

	/**
	 * Denies the subscription: the client gets 403 with the reason.
	 * @param reason what the client is told
	 * @return the decision
	 */
	public static SubscriptionDecision deny(String reason) {
		return new SubscriptionDecision(false, null, Objects.requireNonNull(reason, "reason"));
	}

	/**
	 * Whether the subscription is allowed.
	 * @return {@code true} when allowed
	 */
	public boolean isAllowed() {
		return this.allowed;
	}

	/**
	 * Returns when the authorization ends.
	 * @return the time, or {@code null} for never
	 */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	/**
	 * Returns why the subscription was denied.
	 * @return the reason, or {@code null} when allowed
	 */
	public String reason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return this.allowed ? ((this.expiresAt != null) ? "allow until " + this.expiresAt : "allow")
				: "deny: " + this.reason;
	}

}
