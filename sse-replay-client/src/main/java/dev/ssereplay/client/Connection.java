package dev.ssereplay.client;

import java.io.EOFException;
import java.net.ProtocolException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt to connect: a request, and the event stream it got, read one chunk at a
 * time as the {@link Dispatcher} allows.
 *
 * <p>A connection ends once, by the first of: the stream ending or failing, the read
 * timeout, an unexpected answer, or {@link #abort()} when its owner moves on. It
 * reports what happens on it, that end included, to its {@link Listener}.
 */
final class Connection {

	private static final String EVENT_STREAM = "text/event-stream";

	/**
	 * Receives what happens on a connection. Each call names the connection because
	 * an answer or a chunk already on its way may still be reported after
	 * {@link #abort()}: the owner ignores whatever a connection that is no longer its
	 * current one says.
	 */
	interface Listener {

		/**
		 * The server answered {@code 200} with an event stream.
		 * @param connection the connection
		 */
		void onOpen(Connection connection);

		/**
		 * The stream ended a block, as {@link EventStreamParser.Handler#onBlock} says.
		 * @param connection the connection
		 * @param lastEventId the stream's last event id after this block
		 * @param event the event to dispatch, or {@code null} when the block had no
		 * {@code data} line
		 */
		void onBlock(Connection connection, String lastEventId, SseEvent event);

		/**
		 * The stream set the reconnection time with a {@code retry} field.
		 * @param connection the connection
		 * @param millis the reconnection time in milliseconds
		 */
		void onRetry(Connection connection, long millis);

		/**
		 * The server answered {@code 204}: the connection ended, and the server asks
		 * not to connect again.
		 * @param connection the connection
		 */
		void onNoContent(Connection connection);

		/**
		 * The connection ended for any other reason than {@link #abort()} or a
		 * {@code 204}.
		 * @param connection the connection
		 * @param cause why: the failure, an {@link EOFException} when the server ended
		 * the stream, an {@link HttpTimeoutException} for the read timeout, a
		 * {@link ProtocolException} for a line or an event larger than the maximum
		 * event size, or an {@link SseResponseException} for an answer that is not an
		 * event stream
		 */
		void onEnd(Connection connection, Throwable cause);

	}

	private final Listener listener;

	private final Dispatcher dispatcher;

	private final HttpRequest request;

	private final Duration readTimeout;

	private final long readTimeoutNanos;

	private final EventStreamParser parser;

	private final CompletableFuture<Void> body = new CompletableFuture<>();

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile boolean aborted;

	private volatile Flow.Subscription subscription;

	private volatile CompletableFuture<HttpResponse<Void>> exchange;

	private volatile ScheduledFuture<?> watchdog;

	private volatile long lastActivityNanos;

	// Whether a read is outstanding; a connection held back by a subscriber's demand
	// is not silent, so the read timeout does not count that time.
	private volatile boolean reading;

	Connection(Listener listener, Dispatcher dispatcher, HttpRequest request, Duration readTimeout,
			int maxEventSize, String lastEventId) {
		this.listener = listener;
		this.dispatcher = dispatcher;
		this.request = request;
		this.readTimeout = readTimeout;
		this.readTimeoutNanos = nanos(readTimeout);
		this.parser = new EventStreamParser(lastEventId, maxEventSize, new EventStreamParser.Handler() {

			@Override
			public void onBlock(String id, SseEvent event) {
				listener.onBlock(Connection.this, id, event);
			}

			@Override
			public void onRetry(long millis) {
				listener.onRetry(Connection.this, millis);
			}

		});
	}

	void send(HttpClient httpClient) {
		if (this.aborted) {
			return;
		}
		this.lastActivityNanos = System.nanoTime();
		this.reading = true;
		if (this.readTimeoutNanos > 0) {
			scheduleWatchdog(this.readTimeoutNanos);
		}
		CompletableFuture<HttpResponse<Void>> exchange;
		try {
			exchange = httpClient.sendAsync(this.request, this::onResponse);
		}
		catch (RuntimeException ex) {
			fail(ex);
			return;
		}
		this.exchange = exchange;
		if (this.aborted) {
			exchange.cancel(true);
		}
		exchange.whenComplete((response, failure) -> {
			if (failure != null) {
				fail(unwrap(failure));
			}
		});
	}

	boolean isAborted() {
		return this.aborted;
	}

	/**
	 * Stops this connection without reporting it: the owner has already moved on.
	 */
	void abort() {
		this.ended.set(true);
		stop();
	}

	/**
	 * Reads the next chunk. Called by the dispatcher once no subscriber holds the
	 * stream back.
	 */
	void requestNextChunk() {
		Flow.Subscription subscription = this.subscription;
		if (subscription == null || this.aborted) {
			return;
		}
		this.lastActivityNanos = System.nanoTime();
		this.reading = true;
		subscription.request(1);
	}

	private BodySubscriber<Void> onResponse(ResponseInfo info) {
		int status = info.statusCode();
		String contentType = info.headers().firstValue("Content-Type").orElse(null);
		if (status == 200 && isEventStream(contentType)) {
			this.listener.onOpen(this);
			return new StreamSubscriber();
		}
		if (this.ended.compareAndSet(false, true)) {
			// The refusing body below closes the connection; the exchange itself is left
			// to finish.
			this.aborted = true;
			stopWatchdog();
			if (status == 204) {
				this.listener.onNoContent(this);
			}
			else {
				this.listener.onEnd(this, new SseResponseException(status, contentType));
			}
		}
		return new Refusing();
	}

	private void fail(Throwable cause) {
		if (this.ended.compareAndSet(false, true)) {
			stop();
			this.listener.onEnd(this, cause);
		}
	}

	private void stop() {
		this.aborted = true;
		stopWatchdog();
		Flow.Subscription subscription = this.subscription;
		if (subscription != null) {
			subscription.cancel();
		}
		CompletableFuture<HttpResponse<Void>> exchange = this.exchange;
		if (exchange != null && !exchange.isDone()) {
			exchange.cancel(true);
		}
		// A cancelled body is never completed by the HttpClient; completing it here
		// lets the exchange's future finish instead of hanging on forever.
		this.body.complete(null);
	}

	private void stopWatchdog() {
		ScheduledFuture<?> watchdog = this.watchdog;
		if (watchdog != null) {
			watchdog.cancel(false);
		}
	}

	private void scheduleWatchdog(long delayNanos) {
		this.watchdog = Timers.scheduler().schedule(this::checkReadTimeout, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void checkReadTimeout() {
		if (this.ended.get()) {
			return;
		}
		if (!this.reading) {
			scheduleWatchdog(this.readTimeoutNanos);
			return;
		}
		long idle = System.nanoTime() - this.lastActivityNanos;
		if (idle >= this.readTimeoutNanos) {
			fail(new HttpTimeoutException("Received nothing for " + this.readTimeout + " from "
					+ this.request.uri() + "; reconnecting (see readTimeout)"));
		}
		else {
			scheduleWatchdog(this.readTimeoutNanos - idle);
		}
	}

	static boolean isEventStream(String contentType) {
		if (contentType == null) {
			return false;
		}
		int semicolon = contentType.indexOf(';');
		String mediaType = (semicolon < 0) ? contentType : contentType.substring(0, semicolon);
		return mediaType.trim().equalsIgnoreCase(EVENT_STREAM);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static long nanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Feeds the event stream to the parser, one chunk per request so that reading
	 * follows demand.
	 */
	private final class StreamSubscriber implements BodySubscriber<Void> {

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			Connection.this.subscription = subscription;
			// Nothing is asked for until the dispatcher allows it, and waiting for
			// demand is not silence.
			Connection.this.reading = false;
			if (Connection.this.aborted) {
				subscription.cancel();
				return;
			}
			Connection.this.dispatcher.offerReadyToRead(Connection.this);
			Connection.this.dispatcher.drain();
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			Connection.this.reading = false;
			Connection.this.lastActivityNanos = System.nanoTime();
			if (Connection.this.aborted) {
				return;
			}
			try {
				for (ByteBuffer buffer : buffers) {
					Connection.this.parser.feed(buffer);
				}
			}
			catch (ProtocolException ex) {
				// The blocks parsed before it are already on their way, so the next
				// connection resumes after them.
				fail(new ProtocolException(ex.getMessage() + " from " + Connection.this.request.uri()
						+ "; reconnecting (see maxEventSize)"));
				return;
			}
			Connection.this.dispatcher.offerReadyToRead(Connection.this);
			Connection.this.dispatcher.drain();
		}

		@Override
		public void onError(Throwable throwable) {
			Connection.this.parser.end();
			fail(throwable);
			Connection.this.body.completeExceptionally(throwable);
		}

		@Override
		public void onComplete() {
			Connection.this.parser.end();
			fail(new EOFException("The server ended the event stream of " + Connection.this.request.uri()));
			Connection.this.body.complete(null);
		}

		@Override
		public CompletionStage<Void> getBody() {
			return Connection.this.body;
		}

	}

	/**
	 * Takes the body of an answer that is not an event stream: cancelling closes the
	 * connection rather than reading a body that may never end.
	 */
	private static final class Refusing implements BodySubscriber<Void> {

		private final CompletableFuture<Void> body = new CompletableFuture<>();

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.cancel();
			this.body.complete(null);
		}

		@Override
		public void onNext(List<ByteBuffer> item) {
		}

		@Override
		public void onError(Throwable throwable) {
			this.body.complete(null);
		}

		@Override
		public void onComplete() {
			this.body.complete(null);
		}

		@Override
		public CompletionStage<Void> getBody() {
			return this.body;
		}

	}

}
