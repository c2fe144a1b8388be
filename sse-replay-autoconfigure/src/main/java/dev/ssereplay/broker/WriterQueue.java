package dev.ssereplay.broker;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The runs waiting for a thread of the {@link ElasticWriterPool}: an unbounded
 * blocking queue on an array that grows and is kept, so that queuing a run
 * allocates nothing once the array is as large as the busiest moment needed (a
 * linked queue allocates a node per run, that is per writer run of every
 * connection). Every subscriber has at most one run queued, so the array holds
 * at most one slot per connection.
 * <p>
 * Thread-safe: every method holds the queue's monitor, and waiting threads use
 * its wait set, which allocates nothing either. Iterators work on a copy.
 */
final class WriterQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

	private final ArrayDeque<Runnable> runs = new ArrayDeque<>();

	@Override
	public synchronized boolean offer(Runnable run) {
		Objects.requireNonNull(run, "run");
		this.runs.addLast(run);
		notify();
		return true;
	}

	@Override
	public void put(Runnable run) {
		offer(run);
	}

	@Override
	public boolean offer(Runnable run, long timeout, TimeUnit unit) {
		return offer(run);
	}

	@Override
	public synchronized Runnable take() throws InterruptedException {
		while (this.runs.isEmpty()) {
			wait();
		}
		return this.runs.pollFirst();
	}

	@Override
	public synchronized Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
		long remaining = unit.toNanos(timeout);
		long deadline = System.nanoTime() + remaining;
		while (this.runs.isEmpty()) {
			if (remaining <= 0) {
				return null;
			}
			TimeUnit.NANOSECONDS.timedWait(this, remaining);
			remaining = deadline - System.nanoTime();
		}
		return this.runs.pollFirst();
	}

	@Override
	public synchronized Runnable poll() {
		return this.runs.pollFirst();
	}

	@Override
	public synchronized Runnable peek() {
		return this.runs.peekFirst();
	}

	@Override
	public synchronized int size() {
		return this.runs.size();
	}

	@Override
	public int remainingCapacity() {
		return Integer.MAX_VALUE;
	}

	@Override
	public synchronized boolean remove(Object run) {
		return this.runs.removeFirstOccurrence(run);
	}

	@Override
	public int drainTo(Collection<? super Runnable> target) {
		return drainTo(target, Integer.MAX_VALUE);
	}

	@Override
	public synchronized int drainTo(Collection<? super Runnable> target, int maxElements) {
		int drained = 0;
		Runnable run;
		while (drained < maxElements && (run = this.runs.pollFirst()) != null) {
			target.add(run);
			drained++;
		}
		return drained;
	}

	@Override
	public synchronized Object[] toArray() {
		return this.runs.toArray();
	}

	@Override
	public synchronized <T> T[] toArray(T[] array) {
		return this.runs.toArray(array);
	}

	@Override
	public Iterator<Runnable> iterator() {
		Object[] copy = toArray();
		return new Iterator<>() {

			private int next;

			@Override
			public boolean hasNext() {
				return this.next < copy.length;
			}

			@Override
			public Runnable next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return (Runnable) copy[this.next++];
			}

			@Override
			public void remove() {
				WriterQueue.this.remove(copy[this.next - 1]);
			}

		};
	}

}
