package dev.ssereplay.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client that reconnects and never loses its place: the Java
 * counterpart of a browser's {@code EventSource}, on {@link HttpClient} alone.
 *
 * <p>Create one with {@link #builder(URI)}, subscribe a {@link SseListener} (in the
 * builder) or any number of {@link Flow.Subscriber Flow subscribers}, then
 * {@link #start()} it:
 *
 * <pre>{@code
 * SseClient client = SseClient.builder(URI.create("http://localhost:8080/streams/orders"))
 *     .listener(event -> System.out.println(event.id() + " " + event.data()))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>When the connection drops, when the server ends the stream, or when nothing
 * (not even a heartbeat) arrives for the {@linkplain Builder#readTimeout read
 * timeout}, the client reconnects with a {@code Last-Event-ID} header carrying the
 * last event id it read (the last one that a header can carry), so a server that
 * keeps history (such as sse-replay) sends exactly the events that were missed.
 * Reconnection waits the server's {@code retry:} time (or
 * {@linkplain Builder#reconnectDelay the configured delay}), doubled after each
 * attempt that fails in a row up to a {@linkplain Builder#maxReconnectDelay maximum},
 * which also caps the server's {@code retry:}, and shortened by a random
 * {@linkplain Builder#jitter jitter}; the doubling starts over once a connection has
 * stayed open for {@linkplain Builder#backoffResetAfter a while}. An HTTP 204 answer
 * closes the client for good; any other answer that is not a {@code 200} event
 * stream is reported as an {@link SseResponseException} and retried with the same
 * backoff unless the {@linkplain Builder#retryPolicy retry policy} says otherwise.
 *
 * <p>As a {@link Flow.Publisher} the client is hot and multicast: a subscriber gets
 * the events that arrive after it subscribed, never more than it requested. Reading
 * from the server waits while any subscriber has events it has not requested yet, so
 * the slowest subscriber sets the pace and no buffer grows without bound. Subscribers
 * complete when the client is closed or the server answers 204, and receive
 * {@code onError} when an unexpected answer is not retried; connection errors that
 * are retried are only reported to the {@link SseListener}.
 *
 * <p>{@link #lastEventId()} is the position of what the application was handed, never
 * ahead of it, even after {@link #close()}: save it when the client stops, and give
 * it to {@link Builder#lastEventId(String)} on the next start to miss nothing.
 *
 * <p>The client is thread-safe. It uses no thread of its own per connection: reading
 * runs on the {@code HttpClient}'s threads and delays on one timer thread shared by
 * all clients.
 */
public final class SseClient implements Flow.Publisher<SseEvent>, AutoCloseable {

	// An sse-replay server's own default limit (sse.replay.max-event-size bounds name
	// and data together), so that only a server gone wrong, or set higher, meets it.
	private static final int DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

	private final URI uri;

	private final StreamRequest request;

	private final HttpClient httpClient;

	private final Duration readTimeout;

	private final int maxEventSize;

	private final RetryDecision retryDecision;

	private final String resyncEventName;

	private final Dispatcher dispatcher;

	private final Connection.Listener connectionListener = new ConnectionListener();

	private final Object lock = new Object();

	// Guarded by lock.
	private final ReconnectSchedule reconnectSchedule;

	// Guarded by lock.
	private boolean started;

	// Guarded by lock.
	private boolean closed;

	// Guarded by lock.
	private Connection current;

	private volatile ReadyState readyState = ReadyState.CONNECTING;

	// The position the next connection resumes from: the last block read, whose event
	// the dispatcher still delivers if it has not yet, where lastEventId() is the last
	// block handed over. Guarded by lock.
	private String resumeId;

	// The last id from the server that could not be the position, so that it is
	// reported once rather than for every event that carries it. Guarded by lock.
	private String unsendableId;

	private SseClient(Builder builder) {
		this.uri = builder.uri;
		this.request = new StreamRequest(builder.uri, builder.headers, builder.readTimeout);
		this.httpClient = (builder.httpClient != null) ? builder.httpClient : DefaultHttpClient.INSTANCE;
		this.readTimeout = builder.readTimeout;
		this.maxEventSize = builder.maxEventSize;
		this.retryDecision = new RetryDecision(builder.retryPolicy);
		this.resyncEventName = builder.resyncEventName;
		this.dispatcher = new Dispatcher(builder.listener, builder.lastEventId);
		this.reconnectSchedule = new ReconnectSchedule(builder.reconnectDelay, builder.maxReconnectDelay,
				builder.jitter, builder.backoffResetAfter);
		this.resumeId = builder.lastEventId;
	}

	/**
	 * Starts building a client for an event stream.
	 * @param uri the {@code http} or {@code https} address of the event stream
	 * @return a builder
	 */
	public static Builder builder(URI uri) {
		return new Builder(uri);
	}

	/**
	 * Connects for the first time. Subscribe {@code Flow} subscribers before, to be
	 * sure they miss no event.
	 * @return this client
	 * @throws IllegalStateException if the client was started or closed before
	 */
	public SseClient start() {
		Connection connection;
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("The client for " + this.uri + " is closed");
			}
			if (this.started) {
				throw new IllegalStateException("The client for " + this.uri + " is already started");
			}
			this.started = true;
			connection = connectLocked();
		}
		send(connection);
		return this;
	}

	/**
	 * Subscribes to the events that arrive from now on. See the class description for
	 * how demand and the end of the client reach subscribers.
	 * @param subscriber the subscriber
	 */
	@Override
	public void subscribe(Flow.Subscriber<? super SseEvent> subscriber) {
		Objects.requireNonNull(subscriber, "subscriber");
		this.dispatcher.subscribe(subscriber);
	}

	/**
	 * Returns the state of the connection. A client that was not started yet is
	 * {@link ReadyState#CONNECTING}.
	 * @return the ready state
	 */
	public ReadyState readyState() {
		return this.readyState;
	}

	/**
	 * Returns the last event id of what the application was handed: the position to
	 * save, and to give back to {@link Builder#lastEventId(String)} on the next start,
	 * to miss no event. It moves to the id of a block that the server ended with a
	 * blank line as the block's event is handed to the listener and to every
	 * {@code Flow} subscriber that has not cancelled (the listener already reads the
	 * id of the event it is handling), and for a block with an id and no data once
	 * the events before it were, so it is never ahead of what the application
	 * received; {@link #close()} drops the events not handed over yet and
	 * leaves it at the last one that was. A reconnection resumes from the last block
	 * read, which can be ahead of this position while a subscriber holds events back:
	 * those events are still delivered. An id that a {@code Last-Event-ID} header
	 * cannot carry as it is never becomes the position (see
	 * {@link SseListener#onUnsendableId}). The empty string means no position, and no
	 * {@code Last-Event-ID} header is sent.
	 * @return the last event id, never {@code null}
	 */
	public String lastEventId() {
		return this.dispatcher.lastEventId();
	}

	/**
	 * Returns the address of the event stream.
	 * @return the URI
	 */
	public URI uri() {
		return this.uri;
	}

	/**
	 * Drops the current connection, if any, and connects again at once from the last
	 * event id, with the backoff reset. Does nothing once the client is closed.
	 * @throws IllegalStateException if the client was not started
	 */
	public void forceReconnect() {
		reconnectNow(null);
	}

	/**
	 * Drops the current connection, if any, and connects again at once from the given
	 * position, with the backoff reset: the server replays what came after it.
	 * {@link #lastEventId()} moves to it once the events read before were handed over,
	 * as they still are. Does nothing once the client is closed.
	 * @param lastEventId the id to resume after, or the empty string to connect
	 * without a {@code Last-Event-ID} header
	 * @throws IllegalArgumentException if an HTTP header cannot carry the id as it is:
	 * it has a character other than printable ASCII, or a space at either end
	 * @throws IllegalStateException if the client was not started
	 */
	public void forceReconnect(String lastEventId) {
		reconnectNow(StreamRequest.checkLastEventId(lastEventId));
	}

	/**
	 * Closes the client: drops the connection, stops reconnecting, completes the
	 * {@code Flow} subscribers and calls {@link SseListener#onClosed()}. Events read
	 * but not handed to the listener or to every subscriber yet are dropped, and
	 * {@link #lastEventId()} stays at the last event that was, so that saving it after
	 * {@code close()} skips nothing on the next start. A callback already running
	 * may still finish after {@code close()} returns. Calling it again does nothing.
	 */
	@Override
	public void close() {
		Connection connection;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			closeLocked();
			connection = this.current;
			this.current = null;
			this.dispatcher.offerTerminal(null, true);
		}
		if (connection != null) {
			connection.abort();
		}
		this.dispatcher.drain();
	}

	@Override
	public String toString() {
		return "SseClient[" + this.uri + ", " + this.readyState + ", lastEventId=" + lastEventId() + "]";
	}

	/**
	 * Returns the attempts that failed in a row, which the next delay doubles for.
	 */
	int failures() {
		synchronized (this.lock) {
			return this.reconnectSchedule.failures();
		}
	}

	/**
	 * Returns the base reconnection delay: the server's {@code retry:}, capped by the
	 * maximum delay, once it sent one.
	 */
	long reconnectDelayMillis() {
		synchronized (this.lock) {
			return this.reconnectSchedule.reconnectDelayMillis();
		}
	}

	private void onOpen(Connection connection) {
		synchronized (this.lock) {
			if (this.current != connection) {
				return;
			}
			this.reconnectSchedule.opened();
			this.readyState = ReadyState.OPEN;
			this.dispatcher.offerOpen();
		}
		this.dispatcher.drain();
	}

	private void onBlock(Connection connection, String lastEventId, SseEvent event) {
		// The lock keeps the position to resume from and the queued block together, so
		// that a reconnection forced meanwhile cannot resume after an event that will
		// not be delivered.
		synchronized (this.lock) {
			if (this.current != connection) {
				return;
			}
			if (StreamRequest.unsendable(lastEventId) == null) {
				this.resumeId = lastEventId;
				this.unsendableId = null;
			}
			else if (!lastEventId.equals(this.unsendableId)) {
				// The standard allows any id without NUL, but a header cannot carry
				// this one as it is: resuming from the last id that it can carry may
				// bring events again, where no position or a changed one would skip
				// them.
				this.unsendableId = lastEventId;
				this.dispatcher.offerUnsendableId(lastEventId, this.resumeId);
			}
			// An id-only block goes through the dispatcher too: the position may only
			// pass it once the events before it were handed over.
			this.dispatcher.offerBlock(this.resumeId, event,
					event != null && event.name().equals(this.resyncEventName));
		}
	}

	private void onRetry(Connection connection, long millis) {
		synchronized (this.lock) {
			if (this.current == connection) {
				this.reconnectSchedule.serverRetry(millis);
			}
		}
	}

	private void onNoContent(Connection connection) {
		synchronized (this.lock) {
			if (this.current != connection) {
				return;
			}
			this.current = null;
			if (this.closed) {
				return;
			}
			closeLocked();
			this.dispatcher.offerTerminal(null, false);
		}
		this.dispatcher.drain();
	}

	private void onEnd(Connection connection, Throwable cause) {
		boolean retry = this.retryDecision.shouldRetry(cause);
		Connection next = null;
		synchronized (this.lock) {
			if (this.current != connection) {
				return;
			}
			this.current = null;
			if (this.closed) {
				return;
			}
			this.dispatcher.offerError(cause);
			if (!retry) {
				closeLocked();
				this.dispatcher.offerTerminal(cause, false);
			}
			else {
				this.readyState = ReadyState.CONNECTING;
				if (!this.reconnectSchedule.scheduleNext(this::reconnectLater)) {
					next = connectLocked();
				}
			}
		}
		this.dispatcher.drain();
		send(next);
	}

	private void reconnectLater(long ticket) {
		Connection connection;
		synchronized (this.lock) {
			if (this.closed || this.current != null || !this.reconnectSchedule.claim(ticket)) {
				return;
			}
			connection = connectLocked();
		}
		this.dispatcher.drain();
		send(connection);
	}

	private void reconnectNow(String lastEventId) {
		Connection previous;
		Connection connection;
		synchronized (this.lock) {
			if (!this.started) {
				throw new IllegalStateException("The client for " + this.uri + " is not started");
			}
			if (this.closed) {
				return;
			}
			if (lastEventId != null) {
				this.resumeId = lastEventId;
				this.dispatcher.offerBlock(lastEventId, null, false);
			}
			this.reconnectSchedule.startOver();
			previous = this.current;
			this.current = null;
			connection = connectLocked();
		}
		if (previous != null) {
			previous.abort();
		}
		this.dispatcher.drain();
		send(connection);
	}

	/**
	 * Makes the next connection current. The caller sends it once it released the
	 * lock.
	 */
	private Connection connectLocked() {
		// Cannot fail: the headers were checked by build(), and the position can only
		// be an id that a header carries.
		HttpRequest request = this.request.build(this.resumeId);
		this.readyState = ReadyState.CONNECTING;
		Connection connection = new Connection(this.connectionListener, this.dispatcher, request, this.readTimeout,
				this.maxEventSize, this.resumeId);
		this.current = connection;
		return connection;
	}

	private void send(Connection connection) {
		if (connection != null) {
			connection.send(this.httpClient);
		}
	}

	private void closeLocked() {
		this.closed = true;
		this.readyState = ReadyState.CLOSED;
		this.reconnectSchedule.cancel();
	}

	private static Duration checkPositive(Duration duration, String setting) {
		Objects.requireNonNull(duration, setting);
		if (duration.isNegative()) {
			throw new IllegalArgumentException(setting + " must not be negative, got " + duration);
		}
		return duration;
	}

	/**
	 * Builds an {@link SseClient}. Only the address is required; every other setting
	 * has the default its method names.
	 */
	public static final class Builder {

		private final URI uri;

		private final List<Map.Entry<String, String>> headers = new ArrayList<>();

		private HttpClient httpClient;

		private String lastEventId = "";

		private Duration reconnectDelay = Duration.ofSeconds(1);

		private Duration maxReconnectDelay = Duration.ofSeconds(30);

		private double jitter = 0.5;

		private Duration backoffResetAfter = Duration.ofSeconds(10);

		private Duration readTimeout = Duration.ofSeconds(60);

		private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;

		private Predicate<? super SseResponseException> retryPolicy = (response) -> true;

		private String resyncEventName = "resync";

		private SseListener listener = (event) -> {
		};

		private Builder(URI uri) {
			this.uri = Objects.requireNonNull(uri, "uri");
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
		public Builder header(String name, String value) {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(value, "value");
			if (name.equalsIgnoreCase("Last-Event-ID")) {
				throw new IllegalArgumentException(
						"Last-Event-ID is managed by the client; set the starting position with lastEventId(String)");
			}
			this.headers.add(Map.entry(name, value));
			return this;
		}

		/**
		 * Sets the {@code HttpClient} to send requests with, to share its connection
		 * pool, executor, proxy, TLS and authentication settings. By default all
		 * clients that are not given one share one {@code HttpClient}, which follows
		 * redirects (except from {@code https} to {@code http}) as a browser does.
		 * @param httpClient the HTTP client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
			return this;
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
		public Builder lastEventId(String lastEventId) {
			this.lastEventId = StreamRequest.checkLastEventId(lastEventId);
			return this;
		}

		/**
		 * Sets the base delay before reconnecting, used until the server sends a
		 * {@code retry:} field, which then replaces it (capped by
		 * {@link #maxReconnectDelay(Duration)}). Defaults to 1 second.
		 * @param reconnectDelay the base delay, zero or more
		 * @return this builder
		 */
		public Builder reconnectDelay(Duration reconnectDelay) {
			this.reconnectDelay = checkPositive(reconnectDelay, "reconnectDelay");
			return this;
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
		public Builder maxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = checkPositive(maxReconnectDelay, "maxReconnectDelay");
			return this;
		}

		/**
		 * Sets how much of each delay may be taken off at random, so that clients
		 * dropped together do not come back together: 0 keeps delays exact, 0.5 (the
		 * default) waits between half and all of the delay.
		 * @param jitter the random fraction, from 0 to 1
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			if (!(jitter >= 0 && jitter <= 1)) {
				throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
			}
			this.jitter = jitter;
			return this;
		}

		/**
		 * Sets how long a connection must stay open for the backoff to start over from
		 * the base delay; a connection that ends sooner counts as a failed attempt.
		 * Defaults to 10 seconds.
		 * @param backoffResetAfter the time a connection must stay open
		 * @return this builder
		 */
		public Builder backoffResetAfter(Duration backoffResetAfter) {
			this.backoffResetAfter = checkPositive(backoffResetAfter, "backoffResetAfter");
			return this;
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
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = checkPositive(readTimeout, "readTimeout");
			return this;
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
		public Builder maxEventSize(int maxEventSize) {
			if (maxEventSize <= 0) {
				throw new IllegalArgumentException("maxEventSize must be more than zero, got " + maxEventSize);
			}
			this.maxEventSize = maxEventSize;
			return this;
		}

		/**
		 * Sets whether to retry, with backoff, after an answer that is not an event
		 * stream. The client closes, and subscribers receive the exception, when the
		 * policy returns {@code false}. By default every such answer is retried; for
		 * example {@code e -> e.statusCode() >= 500} gives up on a 401 or 404 at once.
		 * @param retryPolicy decides from the unexpected answer
		 * @return this builder
		 */
		public Builder retryPolicy(Predicate<? super SseResponseException> retryPolicy) {
			this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
			return this;
		}

		/**
		 * Sets the name of the event by which the server says it cannot resume from
		 * the client's position. Such events go to {@link SseListener#onResync}.
		 * Defaults to {@code resync}, the name an sse-replay server uses unless it is
		 * configured otherwise.
		 * @param resyncEventName the event name
		 * @return this builder
		 */
		public Builder resyncEventName(String resyncEventName) {
			Objects.requireNonNull(resyncEventName, "resyncEventName");
			if (resyncEventName.isEmpty()) {
				throw new IllegalArgumentException("resyncEventName must not be empty");
			}
			this.resyncEventName = resyncEventName;
			return this;
		}

		/**
		 * Sets the listener that receives events and connection changes. None by
		 * default.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(SseListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * Builds the client, not started yet.
		 * @return the client
		 * @throws IllegalArgumentException if the address is not an {@code http} or
		 * {@code https} URI, or a header is one that the {@code HttpClient} does not
		 * allow to set
		 */
		public SseClient build() {
			SseClient client = new SseClient(this);
			// Fails now, rather than on the first connection, for a bad address or
			// header.
			client.request.build(this.lastEventId);
			return client;
		}

	}

	/**
	 * Takes what connections report. The callbacks stay private methods of the client:
	 * implementing the interface on the client itself would make them public.
	 */
	private final class ConnectionListener implements Connection.Listener {

		@Override
		public void onOpen(Connection connection) {
			SseClient.this.onOpen(connection);
		}

		@Override
		public void onBlock(Connection connection, String lastEventId, SseEvent event) {
			SseClient.this.onBlock(connection, lastEventId, event);
		}

		@Override
		public void onRetry(Connection connection, long millis) {
			SseClient.this.onRetry(connection, millis);
		}

		@Override
		public void onNoContent(Connection connection) {
			SseClient.this.onNoContent(connection);
		}

		@Override
		public void onEnd(Connection connection, Throwable cause) {
			SseClient.this.onEnd(connection, cause);
		}

	}

	private static final class DefaultHttpClient {

		// Follows redirects as a browser's EventSource does, except from https to http.
		static final HttpClient INSTANCE = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NORMAL)
			.connectTimeout(Duration.ofSeconds(30))
			.build();

	}

}
