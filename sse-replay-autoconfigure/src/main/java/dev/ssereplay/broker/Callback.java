package dev.ssereplay.broker;

import java.util.Locale;

/**
 * Application code that sse-replay calls, whose failures are isolated, counted
 * and logged: a failing callback never breaks delivery to anyone else.
 */
public enum Callback {

	/** A listener registered with the replay store. */
	STORE_LISTENER,

	/** An event-name filter given to {@code subscribe}. */
	EVENT_FILTER,

	/** The {@code PayloadSerializer} turning a payload into event data. */
	SERIALIZER,

	/** An {@code onCompletion}, {@code onTimeout} or {@code onError} callback of an emitter. */
	EMITTER_CALLBACK,

	/** A {@link SubscriptionListener} told that a connection started or ended. */
	SUBSCRIPTION_LISTENER;

	/**
	 * Returns the lowercase name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
