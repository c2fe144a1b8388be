package dev.ssereplay.web;

/**
 * Thrown by {@link SseReplay#subscribe} when the {@link SubscriptionAuthorizer}
 * denies a subscription; nothing was registered. sse-replay's exception handler
 * answers it with 403 and a problem detail.
 */
public class SubscriptionDeniedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String stream;

	/**
	 * Creates the exception.
	 * @param stream the stream
	 * @param reason why, as the authorizer said
	 */
	public SubscriptionDeniedException(String stream, String reason) {
		super("Subscribing to stream '" + stream + "' was denied: " + reason);
		this.stream = stream;
	}

	/**
	 * Returns the stream the subscription was for.
	 * @return the stream name
	 */
	public String getStream() {
		return this.stream;
	}

}
