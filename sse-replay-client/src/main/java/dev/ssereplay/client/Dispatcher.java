package dev.ssereplay.client;

import java.lang.System.Logger.Level;
import java.util.concurrent.Flow;

/**
 * Delivers a client's signals to its listener and its {@code Flow} subscribers, one
 * at a time and in order, and holds back reading while a subscriber has events it
 * has not asked for yet.
 *
 * <p>Any thread may offer actions; {@link SerialActions} runs them one at a time on
 * whichever thread finds it idle, so callbacks never run concurrently, a callback
 * that calls back into the client only queues work, and no thread of its own is
 * needed. The fields below are touched only by the thread that runs the actions,
 * except {@code stopped}.
 *
 * <p>Backpressure reaches the network: a connection asks the dispatcher before
 * reading its next chunk ({@link #offerReadyToRead}), and the read is requested only
 * once every subscriber has taken every event it was given, so at most one chunk's
 * events wait per subscriber.
 *
 * <p>It also keeps the position of what the application has
 * ({@link HandoverPosition}): the id of the last block whose event was handed to the
 * listener and to every subscriber that has not cancelled, blocks before it
 * included. Events dropped by {@link #offerTerminal close} were not handed over, so
 * the position never passes them.
 */
final class Dispatcher {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final SseListener listener;

	private final SerialActions actions = new SerialActions(this::afterActions);

	// Set by close() directly rather than through the queue, so that events already
	// queued are not delivered after close() returned.
	private volatile boolean stopped;

	private final HandoverPosition position;

	private final FlowSubscriptions subscriptions;

	// Whether the client ended: the listener was told, and nothing more reaches it.
	private boolean ended;

	private Connection waitingToRead;

	Dispatcher(SseListener listener, String lastEventId) {
		this.listener = listener;
		this.position = new HandoverPosition(lastEventId);
		this.subscriptions = new FlowSubscriptions(this.actions, this.position, () -> this.stopped);
	}

	/**
	 * Returns the id of the last block handed to the application: its event to the
	 * listener and to every subscriber that has not cancelled, and every block before
	 * it.
	 */
	String lastEventId() {
		return this.position.lastEventId();
	}

	/**
	 * Queues an action without running it: callers holding the client's lock queue
	 * under it, so that the order of actions is the order of state changes, and
	 * {@link #drain()} once they released it.
	 */
	void offer(Runnable action) {
		this.actions.offer(action);
	}

	void submit(Runnable action) {
		this.actions.submit(action);
	}

	/**
	 * Queues a block of the stream, or a position set by the application.
	 * @param lastEventId the position once the block is handed over
	 * @param event the event to deliver, {@code null} for none
	 * @param resync whether the listener takes the event as a resync
	 */
	void offerBlock(String lastEventId, SseEvent event, boolean resync) {
		offer(() -> {
			if (this.stopped || this.ended) {
				return;
			}
			HandoverPosition.Block block = new HandoverPosition.Block(lastEventId, event);
			int takers = (event != null) ? this.subscriptions.offer(block) : 0;
			// Moved before the listener is called, so that it already reads this
			// event's position while it handles the event.
			this.position.add(block, takers);
			if (event == null) {
				return;
			}
			if (resync) {
				callListener(() -> this.listener.onResync(event));
			}
			else {
				callListener(() -> this.listener.onEvent(event));
			}
		});
	}

	void offerOpen() {
		offer(() -> {
			if (!this.stopped && !this.ended) {
				callListener(this.listener::onOpen);
			}
		});
	}

	void offerUnsendableId(String id, String lastEventId) {
		offer(() -> {
			if (!this.stopped && !this.ended) {
				callListener(() -> this.listener.onUnsendableId(id, lastEventId));
			}
		});
	}

	void offerError(Throwable error) {
		offer(() -> {
			if (!this.stopped && !this.ended) {
				callListener(() -> this.listener.onError(error));
			}
		});
	}

	/**
	 * Queues the end of the client.
	 * @param error the error to pass to subscribers, {@code null} to complete them
	 * @param stop whether to drop what was not delivered yet ({@code close()}),
	 * rather than deliver it first (the server ended the client)
	 */
	void offerTerminal(Throwable error, boolean stop) {
		if (stop) {
			this.stopped = true;
		}
		offer(() -> {
			if (this.ended) {
				return;
			}
			this.ended = true;
			this.waitingToRead = null;
			this.subscriptions.end(error);
			callListener(this.listener::onClosed);
		});
	}

	/**
	 * Queues a connection's wish to read its next chunk: it is granted once nothing
	 * is waiting for demand.
	 */
	void offerReadyToRead(Connection connection) {
		offer(() -> {
			if (!this.ended && !connection.isAborted()) {
				this.waitingToRead = connection;
			}
		});
	}

	void subscribe(Flow.Subscriber<? super SseEvent> subscriber) {
		submit(() -> this.subscriptions.subscribe(subscriber));
	}

	void drain() {
		this.actions.drain();
	}

	// Run after each round of actions, by the thread that ran them.
	private void afterActions() {
		this.subscriptions.deliver();
		if (this.waitingToRead != null && !this.stopped && this.subscriptions.backlog() == 0) {
			Connection connection = this.waitingToRead;
			this.waitingToRead = null;
			// May call back into the connection's subscriber on this thread; what it
			// offers is run by the next round of the actions.
			connection.requestNextChunk();
		}
	}

	private void callListener(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError) {
				throw ex;
			}
			logger.log(Level.WARNING, "SSE listener threw; the client goes on", ex);
		}
	}

}
