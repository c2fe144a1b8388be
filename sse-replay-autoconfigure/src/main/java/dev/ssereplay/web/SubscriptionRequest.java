package dev.ssereplay.web;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What a {@link SubscriptionAuthorizer} decides on.
 *
 * @param stream the stream name, already checked to be valid
 * @param principal the authenticated user ({@code Authentication} with Spring
 * Security), or {@code null} for an anonymous request
 * @param lastEventId the position the client resumes from, or {@code null} for a
 * fresh connect
 * @param request the HTTP request, or {@code null} outside one
 */
public record SubscriptionRequest(String stream, Principal principal, String lastEventId,
		HttpServletRequest request) {

	/**
	 * Whether the client resumes from a position.
	 * @return {@code true} for a reconnect
	 */
	public boolean isResume() {
		return this.lastEventId != null && !this.lastEventId.isEmpty();
	}

}
