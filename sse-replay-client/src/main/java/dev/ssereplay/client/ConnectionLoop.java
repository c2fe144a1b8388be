package dev.ssereplay.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * Keeps a client connected, one {@link Connection} at a time, from {@link #start()}
 * until it closes for good: it reconnects after the backoff when a connection ends,
 * at once when asked to, and from the position of the last block read; it stops on
 * {@link #close()}, on a {@code 204}, or on an answer that is not retried.
 *
 * <p>Thread-safe: its state, and the order in which it queues signals on the
 * {@link Dispatcher}, change under one lock; connections are sent and the
 * dispatcher drained once the lock is released.
 */
final class ConnectionLoop implements Connection.Listener {

	private final URI uri;

	private final StreamRequest request;

	private final HttpClient httpClient;

	private final Duration readTimeout;

	private final int maxEventSize;

	private final RetryDecision retryDecision;

	private final String resyncEventName;

	private final Dispatcher dispatcher;

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

	/**
	 * Creates the loop of a client, not started yet.
	 * @throws IllegalArgumentException if the address is not an {@code http} or
	 * {@code https} URI, or a header is one that the {@code HttpClient} does not
	 * allow to set
	 */
	ConnectionLoop(ClientSettings settings, Dispatcher dispatcher) {
		this.uri = settings.uri;
		this.request = new StreamRequest(settings.uri, settings.headers, settings.readTimeout);
		this.httpClient = settings.httpClient();
		this.readTimeout = settings.readTimeout;
		this.maxEventSize = settings.maxEventSize;
		this.retryDecision = new RetryDecision(settings.retryPolicy);
		this.resyncEventName = settings.resyncEventName;
		this.dispatcher = dispatcher;
		this.reconnectSchedule = new ReconnectSchedule(settings.reconnectDelay, settings.maxReconnectDelay,
				settings.jitter, settings.backoffResetAfter);
		this.resumeId = settings.lastEventId;
		// Fails now, rather than on the first connection, for a bad address or
		// header.
		this.request.build(this.resumeId);
	}

	/**
	 * Connects for the first time.
	 * @throws IllegalStateException if the loop was started or closed before
	 */
	void start() {
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
	}

	/**
	 * Drops the current connection, if any, and connects again at once, with the
	 * backoff reset. Does nothing once closed.
	 * @param lastEventId the position to resume from, already checked, or
	 * {@code null} to keep the position of the last block read
	 * @throws IllegalStateException if the loop was not started
	 */
	void reconnectNow(String lastEventId) {
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
	 * Drops the connection, stops reconnecting and ends the dispatcher, dropping what
	 * it has not delivered yet. Calling it again does nothing.
	 */
	void close() {
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

	/**
	 * Returns the state of the connection, {@link ReadyState#CONNECTING} until the
	 * first one opens.
	 */
	ReadyState readyState() {
		return this.readyState;
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

	@Override
	public void onOpen(Connection connection) {
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

	@Override
	public void onBlock(Connection connection, String lastEventId, SseEvent event) {
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

	@Override
	public void onRetry(Connection connection, long millis) {
		synchronized (this.lock) {
			if (this.current == connection) {
				this.reconnectSchedule.serverRetry(millis);
			}
		}
	}

	@Override
	public void onNoContent(Connection connection) {
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

	@Override
	public void onEnd(Connection connection, Throwable cause) {
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

	/**
	 * Makes the next connection current. The caller sends it once it released the
	 * lock.
	 */
	private Connection connectLocked() {
		// Cannot fail: the headers were checked by the constructor, and the position
		// can only be an id that a header carries.
		HttpRequest request = this.request.build(this.resumeId);
		this.readyState = ReadyState.CONNECTING;
		Connection connection = new Connection(this, this.dispatcher, request, this.readTimeout,
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

}
