package dev.ssereplay.client;

import java.net.URI;
import java.net.http.HttpClient;
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

	private final Dispatcher dispatcher;

	private final ConnectionLoop loop;

	private SseClient(ClientSettings settings) {
		this.uri = settings.uri;
		this.dispatcher = new Dispatcher(settings.listener, settings.lastEventId);
		this.loop = new ConnectionLoop(settings, this.dispatcher);
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
		this.loop.start();
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
		return this.loop.readyState();
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
		this.loop.reconnectNow(null);
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
		this.loop.reconnectNow(StreamRequest.checkLastEventId(lastEventId));
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
		this.loop.close();
	}

	@Override
	public String toString() {
		return "SseClient[" + this.uri + ", " + readyState() + ", lastEventId=" + lastEventId() + "]";
	}

	/**
	 * Returns the attempts that failed in a row, which the next delay doubles for.
	 */
	int failures() {
		return this.loop.failures();
	}

	/**
	 * Returns the base reconnection delay: the server's {@code retry:}, capped by the
	 * maximum delay, once it sent one.
	 */
	long reconnectDelayMillis() {
		return this.loop.reconnectDelayMillis();
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
			return new SseClient(this);
		}

	}

}
