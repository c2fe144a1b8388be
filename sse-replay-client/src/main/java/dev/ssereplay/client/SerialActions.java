package dev.ssereplay.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs actions one at a time, in the order they were offered, without a thread of
 * its own: whichever thread calls {@link #drain()} and finds no other thread running
 * them runs every queued action, and any that arrive meanwhile, until none is left.
 * After each round of actions it runs one more step given at creation, whose own
 * offers are run in the next round.
 *
 * <p>Thread-safe: any thread may offer and drain. An action that offers or drains
 * only queues work, so actions never nest and never run concurrently, and whatever
 * they touch needs no lock as long as only actions touch it.
 */
final class SerialActions {

	private final Queue<Runnable> actions = new ConcurrentLinkedQueue<>();

	// The number of drain calls not yet answered by a round of the running thread.
	private final AtomicInteger work = new AtomicInteger();

	private final Runnable afterActions;

	/**
	 * Creates an empty queue.
	 * @param afterActions the step run after each round of actions, by the thread
	 * that runs them
	 */
	SerialActions(Runnable afterActions) {
		this.afterActions = afterActions;
	}

	/**
	 * Queues an action without running it.
	 */
	void offer(Runnable action) {
		this.actions.offer(action);
	}

	/**
	 * Queues an action and drains.
	 */
	void submit(Runnable action) {
		offer(action);
		drain();
	}

	/**
	 * Runs the queued actions on this thread unless another thread is running them,
	 * in which case that thread runs them too before it stops.
	 */
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
			this.afterActions.run();
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

}
