package dev.ssereplay.client;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers a client's signals to its listener and its {@code Flow} subscribers, one
 * at a time and in order, and holds back reading while a subscriber has events it
 * has not asked for yet.
 *
 * <p>Any thread may offer actions; whichever thread finds the dispatcher idle runs
 * them (and any that arrive meanwhile) until none is left, so callbacks never run
 * concurrently, a callback that calls back into the client only queues work, and no
 * thread of its own is needed. All fields below the queue are touched only by the
 * thread that runs the actions.
 *
 * <p>Backpressure reaches the network: a connection asks the dispatcher before
 * reading its next chunk ({@link #offerReadyToRead}), and the read is requested only
 * once every subscriber has taken every event it was given, so at most one chunk's
 * events wait per subscriber.
 *
 * <p>It also keeps the position of what the application has: the id of the last
 * block whose event was handed to the listener and to every subscriber that has not
 * cancelled, blocks before it included. Events dropped by {@link #offerTerminal
 * close} were not handed over, so the position never passes them.
 */
final class Dispatcher {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final SseListener listener;

	private final Queue<Runnable> actions = new ConcurrentLinkedQueue<>();

	private final AtomicInteger work = new AtomicInteger();

	// Set by close() directly rather than through the queue, so that events already
	// queued are not delivered after close() returned.
	private volatile boolean stopped;

	private final List<Subscription> subscriptions = new ArrayList<>();

	// Blocks in the order they were offered, from the first whose event a subscriber
	// has not taken yet.
	private final ArrayDeque<Block> unhanded = new ArrayDeque<>();

	// Written only by the thread that runs the actions, read by any.
	private volatile String lastEventId;

	private Terminal terminal;

	private boolean listenerClosed;

	private Connection waitingToRead;

	Dispatcher(SseListener listener, String lastEventId) {
		this.listener = listener;
		this.lastEventId = lastEventId;
	}

	/**
	 * Returns the id of the last block handed to the application: its event to the
	 * listener and to every subscriber that has not cancelled, and every block before
	 * it.
	 */
	String lastEventId() {
		return this.lastEventId;
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
		offer(action);
		drain();
	}

	/**
	 * Queues a block of the stream, or a position set by the application.
	 * @param lastEventId the position once the block is handed over
	 * @param event the event to deliver, {@code null} for none
	 * @param resync whether the listener takes the event as a resync
	 */
	void offerBlock(String lastEventId, SseEvent event, boolean resync) {
		offer(() -> {
			if (this.stopped || this.terminal != null) {
				return;
			}
			Block block = new Block(lastEventId, event);
			if (event != null) {
				for (Subscription subscription : this.subscriptions) {
					if (!subscription.cancelled) {
						subscription.pending.add(block);
						block.waiting++;
					}
				}
			}
			this.unhanded.add(block);
			// Moved before the listener is called, so that it already reads this
			// event's position while it handles the event.
			advance();
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
			if (!this.stopped && this.terminal == null) {
				callListener(this.listener::onOpen);
			}
		});
	}

	void offerUnsendableId(String id, String lastEventId) {
		offer(() -> {
			if (!this.stopped && this.terminal == null) {
				callListener(() -> this.listener.onUnsendableId(id, lastEventId));
			}
		});
	}

	void offerError(Throwable error) {
		offer(() -> {
			if (!this.stopped && this.terminal == null) {
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
			if (this.terminal == null) {
				this.terminal = new Terminal(error);
				this.waitingToRead = null;
			}
			if (!this.listenerClosed) {
				this.listenerClosed = true;
				callListener(this.listener::onClosed);
			}
		});
	}

	/**
	 * Queues a connection's wish to read its next chunk: it is granted once nothing
	 * is waiting for demand.
	 */
	void offerReadyToRead(Connection connection) {
		offer(() -> {
			if (this.terminal == null && !connection.isAborted()) {
				this.waitingToRead = connection;
			}
		});
	}

	void subscribe(Flow.Subscriber<? super SseEvent> subscriber) {
		submit(() -> {
			for (Subscription existing : this.subscriptions) {
				if (existing.subscriber == subscriber) {
					// Rule 1.10: the same subscriber twice is a mistake to report, not
					// to serve twice. The error ends it, so the first subscription ends
					// too: nothing may follow a terminal signal.
					existing.cancelled = true;
					release(existing);
					Subscription refused = new Subscription(subscriber);
					refused.cancelled = true;
					callSubscriber(refused, () -> subscriber.onSubscribe(refused));
					callSubscriber(refused, () -> subscriber
						.onError(new IllegalStateException("Subscriber is already subscribed: " + subscriber)));
					return;
				}
			}
			Subscription subscription = new Subscription(subscriber);
			this.subscriptions.add(subscription);
			callSubscriber(subscription, () -> subscriber.onSubscribe(subscription));
		});
	}

	void drain() {
		if (this.work.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Runnable action;
			while ((action = this.actions.poll()) != null) {
				action.run();
			}
			deliverPending();
			if (this.waitingToRead != null && !this.stopped && backlog() == 0) {
				Connection connection = this.waitingToRead;
				this.waitingToRead = null;
				// May call back into the connection's subscriber on this thread; what it
				// offers is run by the next round of this loop.
				connection.requestNextChunk();
			}
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void deliverPending() {
		Iterator<Subscription> iterator = this.subscriptions.iterator();
		while (iterator.hasNext()) {
			Subscription subscription = iterator.next();
			if (this.stopped) {
				// Not released: these events were never handed over, so the position
				// must not pass them.
				subscription.pending.clear();
			}
			while (subscription.demand > 0 && !subscription.cancelled && !subscription.pending.isEmpty()) {
				Block block = subscription.pending.poll();
				if (subscription.demand != Long.MAX_VALUE) {
					subscription.demand--;
				}
				block.waiting--;
				advance();
				callSubscriber(subscription, () -> subscription.subscriber.onNext(block.event));
			}
			if (subscription.cancelled) {
				release(subscription);
				iterator.remove();
			}
			else if (this.terminal != null && subscription.pending.isEmpty()) {
				subscription.cancelled = true;
				iterator.remove();
				this.terminal.signal(subscription);
			}
		}
	}

	/**
	 * Lets the position pass the events a subscription that ended will not take: it no
	 * longer counts as a part of the application that has to have them.
	 */
	private void release(Subscription subscription) {
		for (Block block : subscription.pending) {
			block.waiting--;
		}
		subscription.pending.clear();
		advance();
	}

	private void advance() {
		Block block;
		String lastEventId = null;
		while ((block = this.unhanded.peek()) != null && block.waiting == 0) {
			this.unhanded.poll();
			lastEventId = block.lastEventId;
		}
		if (lastEventId != null) {
			this.lastEventId = lastEventId;
		}
	}

	private int backlog() {
		int backlog = 0;
		for (Subscription subscription : this.subscriptions) {
			if (!subscription.cancelled) {
				backlog += subscription.pending.size();
			}
		}
		return backlog;
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

	private void callSubscriber(Subscription subscription, Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError) {
				throw ex;
			}
			// Rule 2.13: a subscriber that throws is treated as cancelled.
			subscription.cancelled = true;
			release(subscription);
			logger.log(Level.WARNING, "Flow.Subscriber threw; its subscription is cancelled", ex);
		}
	}

	private final class Terminal {

		private final Throwable error;

		Terminal(Throwable error) {
			this.error = error;
		}

		void signal(Subscription subscription) {
			if (this.error != null) {
				callSubscriber(subscription, () -> subscription.subscriber.onError(this.error));
			}
			else {
				callSubscriber(subscription, subscription.subscriber::onComplete);
			}
		}

	}

	/**
	 * A block on its way to the application, and how many subscribers have yet to
	 * take its event. Touched only by the thread that runs the actions.
	 */
	private static final class Block {

		final String lastEventId;

		final SseEvent event;

		int waiting;

		Block(String lastEventId, SseEvent event) {
			this.lastEventId = lastEventId;
			this.event = event;
		}

	}

	private final class Subscription implements Flow.Subscription {

		final Flow.Subscriber<? super SseEvent> subscriber;

		final ArrayDeque<Block> pending = new ArrayDeque<>();

		// Touched only by the thread running actions, except for cancelled, which a
		// subscriber may set from anywhere and must see take effect at once.
		long demand;

		volatile boolean cancelled;

		Subscription(Flow.Subscriber<? super SseEvent> subscriber) {
			this.subscriber = subscriber;
		}

		@Override
		public void request(long n) {
			submit(() -> {
				if (this.cancelled) {
					return;
				}
				if (n <= 0) {
					// Rule 3.9.
					this.cancelled = true;
					release(this);
					callSubscriber(this, () -> this.subscriber
						.onError(new IllegalArgumentException("Flow.Subscription.request needs a positive number, got " + n)));
					return;
				}
				long sum = this.demand + n;
				this.demand = (sum < 0) ? Long.MAX_VALUE : sum;
			});
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			// Lets the dispatcher drop the subscription and resume reading if this
			// subscriber was the one holding it back.
			submit(() -> {
			});
		}

	}

}
