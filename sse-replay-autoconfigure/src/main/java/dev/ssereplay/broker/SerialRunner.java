package dev.ssereplay.broker;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task on a shared executor, never twice at once, and never loses a
 * request to run: the one hand-off between the threads that have something for a
 * connection (publishers, the housekeeping tick, the container's write
 * callback, whoever closes it) and the connection's writer.
 * <p>
 * States: idle; queued (submitted, not started); running; again (asked to
 * run while running, so it runs once more); parked (waiting for the connection
 * to take more bytes). {@link #wake()} runs an idle task, {@link #unpark()} also runs a
 * parked one. A runner starts parked, so nothing runs before its owner is ready.
 * <p>
 * Thread-safe; all of it is the compare-and-set loops of {@link #request} and
 * {@link #runDone}, and the start of a run.
 */
final class SerialRunner {

	private static final int IDLE = 0;

	private static final int QUEUED = 1;

	private static final int RUNNING = 2;

	private static final int AGAIN = 3;

	private static final int PARKED = 4;

	private static final String[] NAMES = { "idle", "queued", "running", "again", "parked" };

	private final Executor executor;

	private final Runnable task;

	private final Runnable turn = this::turn;

	private final Runnable onRejected;

	private final AtomicInteger state = new AtomicInteger(PARKED);

	/**
	 * Creates a runner, parked.
	 * @param executor where the task runs
	 * @param task the task; it calls {@link #runDone} at the end of every run
	 * @param onRejected what to do when the executor refuses the task (it is
	 * shutting down); runs on the caller's thread
	 */
	SerialRunner(Executor executor, Runnable task, Runnable onRejected) {
		this.executor = executor;
		this.task = task;
		this.onRejected = onRejected;
	}

	/**
	 * Asks for a run, unless the task is parked: work that arrives meanwhile
	 * waits for {@link #unpark()}.
	 */
	void wake() {
		request(false);
	}

	/**
	 * Asks for a run, parked or not.
	 */
	void unpark() {
		request(true);
	}

	/**
	 * Ends a run.
	 * @param park whether the task waits for {@link #unpark()} before it runs
	 * again (the connection cannot take more yet)
	 * @param more whether the task has more to do now; it runs again after the
	 * other tasks queued on the executor
	 */
	void runDone(boolean park, boolean more) {
		while (true) {
			int current = this.state.get();
			if (current == AGAIN || more) {
				// Asked meanwhile (a run that parks checks the connection once more, so a
				// callback that arrived during the run is not lost), or not done.
				if (this.state.compareAndSet(current, QUEUED)) {
					submit();
					return;
				}
			}
			else if (this.state.compareAndSet(current, park ? PARKED : IDLE)) {
				return;
			}
		}
	}

	private void request(boolean unpark) {
		while (true) {
			int current = this.state.get();
			int next;
			if (current == IDLE || (current == PARKED && unpark)) {
				next = QUEUED;
			}
			else if (current == RUNNING) {
				next = AGAIN;
			}
			else {
				// Queued or to run again already, or parked.
				return;
			}
			if (this.state.compareAndSet(current, next)) {
				if (next == QUEUED) {
					submit();
				}
				return;
			}
		}
	}

	private void turn() {
		// Only this runner's own submission leaves the queued state.
		this.state.set(RUNNING);
		this.task.run();
	}

	private void submit() {
		try {
			this.executor.execute(this.turn);
		}
		catch (RejectedExecutionException ex) {
			this.state.set(PARKED);
			this.onRejected.run();
		}
	}

	@Override
	public String toString() {
		return "SerialRunner[" + NAMES[this.state.get()] + "]";
	}

}
