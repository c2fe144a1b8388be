package dev.ssereplay.sample;

import java.security.Principal;

import dev.ssereplay.web.SubscriptionAuthorizer;
import dev.ssereplay.web.SubscriptionDecision;
import dev.ssereplay.web.SubscriptionRequest;

/**
 * Lets users alone read their own streams: a stream named {@code user.<name>}
 * or {@code user.<name>.<anything>}, such as {@code user.alice.inbox}, can be
 * read by {@code <name>} only; a name under {@code user.} with no user in it,
 * such as {@code user..inbox}, by no one. Every other stream is allowed here,
 * and left to the security filter chain, which asks for a signed-in user.
 * <p>
 * sse-replay asks it for every connect and every resume, before anything is
 * registered, counted or written: a user who is denied holds nothing, and
 * cannot read another user's stream by resuming with one of its ids.
 */
final class UserStreamAuthorizer implements SubscriptionAuthorizer {

	/** The start of the name of every user's stream. */
	static final String PREFIX = "user.";

	@Override
	public SubscriptionDecision authorize(SubscriptionRequest request) {
		String owner = owner(request.stream());
		if (owner == null) {
			return SubscriptionDecision.allow();
		}
		Principal user = request.principal();
		if (user == null || owner.isEmpty() || !owner.equals(user.getName())) {
			return SubscriptionDecision.deny("a user's streams can be read by that user only");
		}
		return SubscriptionDecision.allow();
	}

	/**
	 * Returns the user whose stream this is: what follows {@code user.}, up to
	 * the next dot.
	 * @param stream a valid stream name
	 * @return the user's name, empty when it names none, or {@code null} for a
	 * stream that is no user's
	 */
	static String owner(String stream) {
		if (!stream.startsWith(PREFIX)) {
			return null;
		}
		int end = stream.indexOf('.', PREFIX.length());
		return stream.substring(PREFIX.length(), (end < 0) ? stream.length() : end);
	}

}
