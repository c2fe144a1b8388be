package dev.ssereplay.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Flow;

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
 * it to {@link Builder#lastEventId(String) SseClient.Builder.lastEventId(String)} on
 * the next start to miss nothing.
 *
 * <p>The client is thread-safe. It uses no thread of its own per connection: reading
 * runs on the {@code HttpClient}'s threads and delays on one timer thread shared by
 * all clients.
 */
public final class SseClient implements Flow.Publisher<SseEvent>, AutoCloseable {

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

	private SseClient(ClientSettings settings) {
		this.uri = settings.uri;
		this.request = new StreamRequest(settings.uri, settings.headers, settings.readTimeout);
		this.httpClient = settings.httpClient();
		this.readTimeout = settings.readTimeout;
		this.maxEventSize = settings.maxEventSize;
		this.retryDecision = new RetryDecision(settings.retryPolicy);
		this.resyncEventName = settings.resyncEventName;
		this.dispatcher = new Dispatcher(settings.listener, settings.lastEventId);
		this.reconnectSchedule = new ReconnectSchedule(settings.reconnectDelay, settings.maxReconnectDelay,
				settings.jitter, settings.backoffResetAfter);
		this.resumeId = settings.lastEventId;
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
	 * save, and to give back to
	 * {@link Builder#lastEventId(String) SseClient.Builder.lastEventId(String)} on the
	 * next start, to miss no event. It moves to the id of a block that the server
	 * ended with a blank line as the block's event is handed to the listener and to
	 * every {@code Flow} subscriber that has not cancelled (the listener already reads
	 * the id of the event it is handling), and for a block with an id and no data
	 * once the events before it were, so it is never ahead of what the application
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

	/**
	 * Builds an {@link SseClient}. Only the address is required; every other setting
	 * has the default its method names.
	 */
	public static final class Builder extends ClientSettings {

		private Builder(URI uri) {
			super(uri);
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

}
