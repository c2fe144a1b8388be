package dev.ssereplay.web;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.EndReason;
import dev.ssereplay.store.StreamCompletedException;

/**
 * A Reactive Streams source published to a stream: each element is appended as
 * an event, in order, by one drain at a time. At most {@link #WINDOW} elements
 * are requested ahead of what is appended. When the source ends, is cancelled or
 * an append fails, the final event is appended once.
 * <p>
 * Where the drain runs depends on the store. An append that can wait (a Redis
 * round trip) runs on the given executor, never on the source's thread, which
 * may be an event loop, nor on the caller's. An append that never waits (the
 * in-memory store) runs on the thread that signalled the element, as a
 * {@code publish} there would, which spares each element a hand-off to another
 * thread. Either way what a source emits inside the first request, on the
 * thread that subscribed it, is appended on the executor, so that
 * {@code publishAll} returns before a synchronous source has been appended.
 * <p>
 * Thread-safe: the source's signals, {@link #cancel()} and the drain meet in a
 * queue, a few volatile flags and the drain's work-in-progress counter.
 */
final class SourcePublication implements Subscriber<Object>, Publication, Runnable {

	private static final Logger logger = LoggerFactory.getLogger(SourcePublication.class);

	/** The most elements requested and not yet appended. */
	static final int WINDOW = 16;

	/**
	 * Appends one element, and the final event.
	 */
	interface Target {

		/**
		 * Appends an element as an event.
		 * @return the event's id
		 */
		String append(Object element);

		/**
		 * Appends the final event.
		 * @param reason why the stream ends
		 * @param message a short message for {@link EndReason#FAILED}, else
		 * {@code null}
		 * @return the final event's id
		 */
		String end(EndReason reason, String message);

	}

	private final String stream;

	private final Target target;

	private final Executor executor;

	private final boolean appendInline;

	private final Function<Throwable, String> failureMessage;

	private final ConcurrentLinkedQueue<Object> elements = new ConcurrentLinkedQueue<>();

	private final AtomicInteger work = new AtomicInteger();

	private final CompletableFuture<String> ended = new CompletableFuture<>();

	private volatile Subscription subscription;

	private volatile boolean sourceDone;

	private volatile Throwable sourceError;

	private volatile boolean cancelRequested;

	// The thread in onSubscribe's first request, while it is there.
	private volatile Thread subscribing;

	// Set when the stream is deleted: held while appending, so that nothing is
	// appended after the deletion, which would start the stream again.
	private final Object appendLock = new Object();

	private volatile boolean deleted;

	// Confined to the drain.
	private boolean finished;

	/**
	 * Creates a publication; it starts when the source calls {@link #onSubscribe}.
	 * @param stream the stream name
	 * @param target where elements and the final event are appended
	 * @param executor where the drain runs when appends can wait, or when the
	 * source emits inside its first request
	 * @param appendInline whether appends never wait, so that they may run on the
	 * thread that signalled the element
	 * @param failureMessage the final event's message for a failure
	 * @param onEnded what to run once the publication has ended
	 */
	SourcePublication(String stream, Target target, Executor executor, boolean appendInline,
			Function<Throwable, String> failureMessage, Runnable onEnded) {
		this.stream = stream;
		this.target = target;
		this.executor = executor;
		this.appendInline = appendInline;
		this.failureMessage = failureMessage;
		this.ended.whenComplete((id, ex) -> onEnded.run());
	}

	@Override
	public String stream() {
		return this.stream;
	}

	@Override
	public void cancel() {
		this.cancelRequested = true;
		Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
		schedule();
	}

	@Override
	public CompletionStage<String> whenEnded() {
		return this.ended.minimalCompletionStage();
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		Objects.requireNonNull(subscription, "subscription");
		if (this.subscription != null) {
			// Rule 2.5: a second subscription is cancelled.
			subscription.cancel();
			return;
		}
		this.subscription = subscription;
		if (this.cancelRequested) {
			subscription.cancel();
			schedule();
		}
		else {
			// At once, since a source such as an interval fails when it ticks before
			// there is demand; what a synchronous source emits inside this request
			// is appended on the executor, not on the subscribing thread.
			this.subscribing = Thread.currentThread();
			try {
				subscription.request(WINDOW);
			}
			finally {
				this.subscribing = null;
			}
		}
	}

	@Override
	public void onNext(Object element) {
		this.elements.offer(Objects.requireNonNull(element, "element"));
		schedule();
	}

	@Override
	public void onError(Throwable error) {
		this.sourceError = Objects.requireNonNull(error, "error");
		schedule();
	}

	@Override
	public void onComplete() {
		this.sourceDone = true;
		schedule();
	}

	// The one place where a drain starts: whoever raises the work count from zero
	// owns the drain until it brings the count back to zero.
	private void schedule() {
		if (this.work.getAndIncrement() == 0) {
			if (this.appendInline && Thread.currentThread() != this.subscribing) {
				run();
			}
			else {
				onExecutor(this);
			}
		}
	}

	private void onExecutor(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			this.work.set(0);
			Subscription current = this.subscription;
			if (current != null) {
				current.cancel();
			}
			this.ended.completeExceptionally(ex);
		}
	}

	/**
	 * One drain: appends what the source sent, then ends the stream when the
	 * source is done.
	 */
	@Override
	public void run() {
		int missed = 1;
		do {
			drain();
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * Stops the source because its stream is being deleted: nothing more is
	 * appended once this returns, not even a final event, since the deletion ends
	 * the stream; {@link #whenEnded()} completes with
	 * {@link StreamCompletedException}.
	 */
	void stopForDeletion() {
		synchronized (this.appendLock) {
			this.deleted = true;
		}
		Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
		this.ended.completeExceptionally(new StreamCompletedException(this.stream));
	}

	private void drain() {
		while (!this.finished) {
			if (this.deleted) {
				this.finished = true;
				this.elements.clear();
				return;
			}
			if (this.cancelRequested) {
				end(EndReason.CANCELLED, null);
				return;
			}
			Object element = this.elements.poll();
			if (element != null) {
				try {
					synchronized (this.appendLock) {
						if (this.deleted) {
							continue;
						}
						this.target.append(element);
					}
				}
				catch (RuntimeException ex) {
					// The source's events can no longer be stored in order: stop it.
					logger.warn("Publishing to stream '{}' failed; stopping its source", this.stream, ex);
					this.subscription.cancel();
					end(EndReason.FAILED, this.failureMessage.apply(ex));
					return;
				}
				this.subscription.request(1);
				continue;
			}
			// Read after the queue: a signal that came after the last element.
			Throwable error = this.sourceError;
			if (error != null && this.elements.isEmpty()) {
				logger.debug("The source of stream '{}' failed", this.stream, error);
				end(EndReason.FAILED, this.failureMessage.apply(error));
			}
			else if (this.sourceDone && this.elements.isEmpty()) {
				end(EndReason.COMPLETED, null);
			}
			return;
		}
	}

	private void end(EndReason reason, String message) {
		this.finished = true;
		this.elements.clear();
		try {
			String id;
			synchronized (this.appendLock) {
				if (this.deleted) {
					return;
				}
				id = this.target.end(reason, message);
			}
			this.ended.complete(id);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not end stream '{}' ({})", this.stream, reason.tag(), ex);
			this.ended.completeExceptionally(ex);
		}
	}

}
