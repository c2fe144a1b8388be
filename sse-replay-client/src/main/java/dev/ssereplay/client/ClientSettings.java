package dev.ssereplay.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The settings of an {@link SseClient}: their defaults, and the public methods of
 * {@link SseClient.Builder}, its only subclass, that check and set them. The client
 * reads them once, when it is built.
 *
 * <p>Not thread-safe, as builders are not.
 */
abstract sealed class ClientSettings permits SseClient.Builder {

	// An sse-replay server's own default limit (sse.replay.max-event-size bounds name
	// and data together), so that only a server gone wrong, or set higher, meets it.
	private static final int DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

	final URI uri;

	final List<Map.Entry<String, String>> headers = new ArrayList<>();

	private HttpClient httpClient;

	String lastEventId = "";

	Duration reconnectDelay = Duration.ofSeconds(1);

	Duration maxReconnectDelay = Duration.ofSeconds(30);

	double jitter = 0.5;

	Duration backoffResetAfter = Duration.ofSeconds(10);

	Duration readTimeout = Duration.ofSeconds(60);

	int maxEventSize = DEFAULT_MAX_EVENT_SIZE;

	Predicate<? super SseResponseException> retryPolicy = (response) -> true;

	String resyncEventName = "resync";

	SseListener listener = (event) -> {
	};

	ClientSettings(URI uri) {
		this.uri = Objects.requireNonNull(uri, "uri");
	}

	/**
	 * Returns the {@code HttpClient} to send requests with: the one set, or the one
	 * that all clients not given one share.
	 */
	HttpClient httpClient() {
		return (this.httpClient != null) ? this.httpClient : DefaultHttpClient.INSTANCE;
	}

	/**
	 * Adds a header to every request, such as {@code Authorization}. The client
	 * sends {@code Accept: text/event-stream} and {@code Cache-Control: no-cache}
	 * unless headers of these names are added, and manages
	 * {@code Last-Event-ID} itself.
	 * @param name the header name
	 * @param value the header value
	 * @return this builder
	 */
	public SseClient.Builder header(String name, String value) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(value, "value");
		if (name.equalsIgnoreCase("Last-Event-ID")) {
			throw new IllegalArgumentException(
					"Last-Event-ID is managed by the client; set the starting position with lastEventId(String)");
		}
		this.headers.add(Map.entry(name, value));
		return self();
	}

	/**
	 * Sets the {@code HttpClient} to send requests with, to share its connection
	 * pool, executor, proxy, TLS and authentication settings. By default all
	 * clients that are not given one share one {@code HttpClient}, which follows
	 * redirects (except from {@code https} to {@code http}) as a browser does.
	 * @param httpClient the HTTP client
	 * @return this builder
	 */
	public SseClient.Builder httpClient(HttpClient httpClient) {
		this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
		return self();
	}

	/**
	 * Sets the position to start from: the first request carries it as
	 * {@code Last-Event-ID}. Empty by default: no header, the server's current
	 * position.
	 * @param lastEventId the last event id already processed
	 * @return this builder
	 * @throws IllegalArgumentException if an HTTP header cannot carry the id as it
	 * is: it has a character other than printable ASCII, or a space at either end
	 */
	public SseClient.Builder lastEventId(String lastEventId) {
		this.lastEventId = StreamRequest.checkLastEventId(lastEventId);
		return self();
	}

	/**
	 * Sets the base delay before reconnecting, used until the server sends a
	 * {@code retry:} field, which then replaces it (capped by
	 * {@link #maxReconnectDelay(Duration)}). Defaults to 1 second.
	 * @param reconnectDelay the base delay, zero or more
	 * @return this builder
	 */
	public SseClient.Builder reconnectDelay(Duration reconnectDelay) {
		this.reconnectDelay = checkPositive(reconnectDelay, "reconnectDelay");
		return self();
	}

	/**
	 * Sets the longest delay that doubling after failed attempts reaches. It also
	 * caps the server's {@code retry:}, so that a server cannot park the client for
	 * longer (a {@code retry:} too large for a {@code long} is taken as this
	 * maximum too); a {@link #reconnectDelay(Duration)} set above it is kept.
	 * Defaults to 30 seconds.
	 * @param maxReconnectDelay the maximum delay, zero or more
	 * @return this builder
	 */
	public SseClient.Builder maxReconnectDelay(Duration maxReconnectDelay) {
		this.maxReconnectDelay = checkPositive(maxReconnectDelay, "maxReconnectDelay");
		return self();
	}

	/**
	 * Sets how much of each delay may be taken off at random, so that clients
	 * dropped together do not come back together: 0 keeps delays exact, 0.5 (the
	 * default) waits between half and all of the delay.
	 * @param jitter the random fraction, from 0 to 1
	 * @return this builder
	 */
	public SseClient.Builder jitter(double jitter) {
		if (!(jitter >= 0 && jitter <= 1)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
		}
		this.jitter = jitter;
		return self();
	}

	/**
	 * Sets how long a connection must stay open for the backoff to start over from
	 * the base delay; a connection that ends sooner counts as a failed attempt.
	 * Defaults to 10 seconds.
	 * @param backoffResetAfter the time a connection must stay open
	 * @return this builder
	 */
	public SseClient.Builder backoffResetAfter(Duration backoffResetAfter) {
		this.backoffResetAfter = checkPositive(backoffResetAfter, "backoffResetAfter");
		return self();
	}

	/**
	 * Sets how long the client waits for the answer, and then for each next byte
	 * of the stream (heartbeats count), before it gives up on the connection and
	 * reconnects. Set it above the server's heartbeat interval. Time spent waiting
	 * for a {@code Flow} subscriber's demand does not count. Defaults to 60
	 * seconds; {@link Duration#ZERO} waits forever.
	 * @param readTimeout the read timeout, zero to disable
	 * @return this builder
	 */
	public SseClient.Builder readTimeout(Duration readTimeout) {
		this.readTimeout = checkPositive(readTimeout, "readTimeout");
		return self();
	}

	/**
	 * Sets the largest event the client accepts, in UTF-8 bytes: an event's data
	 * (its {@code data} lines joined), and any single field name or value of the
	 * stream (a comment counts as a value), so that what the client holds for a
	 * connection stays bounded whatever the server sends. A line is measured as it
	 * arrives: an endless one is refused once it passes the limit. The connection
	 * then fails with a {@link java.net.ProtocolException} that names this setting,
	 * reported to {@link SseListener#onError}, and the client reconnects as after
	 * any failed connection, from the last event id it read before. Set it above the
	 * server's largest event (an sse-replay server's
	 * {@code sse.replay.max-event-size}, 1 MB by default). Defaults to 1 MiB
	 * (1048576 bytes).
	 * @param maxEventSize the largest event in bytes, more than zero
	 * @return this builder
	 */
	public SseClient.Builder maxEventSize(int maxEventSize) {
		if (maxEventSize <= 0) {
			throw new IllegalArgumentException("maxEventSize must be more than zero, got " + maxEventSize);
		}
		this.maxEventSize = maxEventSize;
		return self();
	}

	/**
	 * Sets whether to retry, with backoff, after an answer that is not an event
	 * stream. The client closes, and subscribers receive the exception, when the
	 * policy returns {@code false}. By default every such answer is retried; for
	 * example {@code e -> e.statusCode() >= 500} gives up on a 401 or 404 at once.
	 * @param retryPolicy decides from the unexpected answer
	 * @return this builder
	 */
	public SseClient.Builder retryPolicy(Predicate<? super SseResponseException> retryPolicy) {
		this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
		return self();
	}

	/**
	 * Sets the name of the event by which the server says it cannot resume from
	 * the client's position. Such events go to {@link SseListener#onResync}.
	 * Defaults to {@code resync}, the name an sse-replay server uses unless it is
	 * configured otherwise.
	 * @param resyncEventName the event name
	 * @return this builder
	 */
	public SseClient.Builder resyncEventName(String resyncEventName) {
		Objects.requireNonNull(resyncEventName, "resyncEventName");
		if (resyncEventName.isEmpty()) {
			throw new IllegalArgumentException("resyncEventName must not be empty");
		}
		this.resyncEventName = resyncEventName;
		return self();
	}

	/**
	 * Sets the listener that receives events and connection changes. None by
	 * default.
	 * @param listener the listener
	 * @return this builder
	 */
	public SseClient.Builder listener(SseListener listener) {
		this.listener = Objects.requireNonNull(listener, "listener");
		return self();
	}

	private SseClient.Builder self() {
		// The class is sealed: the builder is the only kind of settings there is.
		return (SseClient.Builder) this;
	}

	private static Duration checkPositive(Duration duration, String setting) {
		Objects.requireNonNull(duration, setting);
		if (duration.isNegative()) {
			throw new IllegalArgumentException(setting + " must not be negative, got " + duration);
		}
		return duration;
	}

	private static final class DefaultHttpClient {

		// Follows redirects as a browser's EventSource does, except from https to http.
		static final HttpClient INSTANCE = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NORMAL)
			.connectTimeout(Duration.ofSeconds(30))
			.build();

	}

}
