package dev.ssereplay.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import dev.ssereplay.event.EndReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SourcePublication} without threads: where its drain runs, in what
 * order it appends, and how much it requests ahead, driven by a source and an
 * executor that the test steps by hand.
 */
class SourcePublicationTests {

	private final List<String> appended = new ArrayList<>();

	private final List<String> appendedOn = new ArrayList<>();

	private final ManualExecutor executor = new ManualExecutor();

	private final SourcePublication.Target target = new SourcePublication.Target() {

		@Override
		public String append(Object element) {
			SourcePublicationTests.this.appended.add((String) element);
			SourcePublicationTests.this.appendedOn.add(Thread.currentThread().getName());
			return Integer.toString(SourcePublicationTests.this.appended.size());
		}

		@Override
		public String end(EndReason reason, String message) {
			SourcePublicationTests.this.appended.add("end:" + reason.tag());
			return Integer.toString(SourcePublicationTests.this.appended.size());
		}

	};

	@Test
	void anAppendThatCanWaitRunsOnTheExecutorNeverOnTheSourcesThread() {
		ManualSource source = new ManualSource();
		SourcePublication publication = publication(false);
		source.subscribe(publication);
		source.emit("a");
		source.emit("b");
		assertThat(this.appended).isEmpty();
		this.executor.runAll();
		assertThat(this.appended).containsExactly("a", "b");
		source.complete();
		assertThat(this.appended).containsExactly("a", "b");
		this.executor.runAll();
		assertThat(this.appended).containsExactly("a", "b", "end:completed");
		assertThat(publication.whenEnded().toCompletableFuture()).isCompletedWithValue("3");
	}

	@Test
	void anAppendThatNeverWaitsRunsOnTheThreadThatEmitted() {
		ManualSource source = new ManualSource();
		SourcePublication publication = publication(true);
		source.subscribe(publication);
		source.emit("a");
		assertThat(this.appended).containsExactly("a");
		assertThat(this.appendedOn).containsExactly(Thread.currentThread().getName());
		source.emit("b");
		source.complete();
		assertThat(this.appended).containsExactly("a", "b", "end:completed");
		assertThat(this.executor.tasks).isEmpty();
		assertThat(publication.whenEnded().toCompletableFuture()).isCompletedWithValue("3");
	}

	@Test
	void elementsAreRequestedAsTheyAreAppendedNeverMoreThanTheWindowAhead() {
		ManualSource source = new ManualSource();
		source.subscribe(publication(false));
		assertThat(source.requested.get()).isEqualTo(SourcePublication.WINDOW);
		for (int i = 0; i < SourcePublication.WINDOW; i++) {
			source.emit("e" + i);
		}
		assertThat(source.requested.get()).isZero();
		this.executor.runAll();
		assertThat(source.requested.get()).isEqualTo(SourcePublication.WINDOW);
	}

	@Test
	void theFirstElementsAreRequestedWhenTheSourceIsSubscribed() {
		// An interval fails when it ticks before there is demand.
		ManualSource source = new ManualSource();
		SourcePublication publication = publication(true);
		source.subscribe(publication);
		assertThat(source.requested.get()).isEqualTo(SourcePublication.WINDOW);
		source.emit("a");
		assertThat(this.appended).containsExactly("a");
	}

	@Test
	void aSynchronousSourceNeverRunsOnTheThreadThatSubscribedIt() {
		int count = 1000;
		SynchronousSource source = new SynchronousSource(count);
		SourcePublication publication = publication(true);
		source.subscribe(publication);
		assertThat(this.appended).isEmpty();
		this.executor.runAll();
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			expected.add("e" + i);
		}
		expected.add("end:completed");
		assertThat(this.appended).containsExactlyElementsOf(expected);
		assertThat(publication.whenEnded().toCompletableFuture()).isCompleted();
	}

	@Test
	void aCancelEndsTheStreamOnceWithReasonCancelled() {
		ManualSource source = new ManualSource();
		SourcePublication publication = publication(true);
		source.subscribe(publication);
		source.emit("a");
		publication.cancel();
		publication.cancel();
		source.emit("late");
		assertThat(source.cancelled).isTrue();
		assertThat(this.appended).containsExactly("a", "end:cancelled");
	}

	@Test
	void aFailedSourceEndsTheStreamAfterWhatItSent() {
		ManualSource source = new ManualSource();
		source.subscribe(publication(true));
		source.emit("a");
		source.subscriber.onError(new IllegalStateException("model went away"));
		assertThat(this.appended).containsExactly("a", "end:failed");
	}

	private SourcePublication publication(boolean appendInline) {
		return new SourcePublication("s", this.target, this.executor, appendInline, Throwable::getMessage, () -> {
		});
	}

	/** Runs tasks when the test says so, on the test's thread. */
	static final class ManualExecutor implements Executor {

		final Queue<Runnable> tasks = new ArrayDeque<>();

		@Override
		public void execute(Runnable task) {
			this.tasks.add(task);
		}

		void runAll() {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				task.run();
			}
		}

	}

	/** A source that emits what the test tells it to, checking demand. */
	static final class ManualSource implements Publisher<Object> {

		final AtomicLong requested = new AtomicLong();

		Subscriber<? super Object> subscriber;

		volatile boolean cancelled;

		@Override
		public void subscribe(Subscriber<? super Object> subscriber) {
			this.subscriber = subscriber;
			subscriber.onSubscribe(new Subscription() {

				@Override
				public void request(long n) {
					ManualSource.this.requested.addAndGet(n);
				}

				@Override
				public void cancel() {
					ManualSource.this.cancelled = true;
				}

			});
		}

		void emit(String element) {
			if (this.cancelled) {
				return;
			}
			assertThat(this.requested.getAndDecrement()).as("demand").isPositive();
			this.subscriber.onNext(element);
		}

		void complete() {
			this.subscriber.onComplete();
		}

	}

	/**
	 * A source that emits from inside {@code request}, as {@code Flux.range} does,
	 * and completes after its last element.
	 */
	static final class SynchronousSource implements Publisher<Object> {

		private final int count;

		private int next;

		private long demand;

		private boolean emitting;

		SynchronousSource(int count) {
			this.count = count;
		}

		@Override
		public void subscribe(Subscriber<? super Object> subscriber) {
			subscriber.onSubscribe(new Subscription() {

				@Override
				public void request(long n) {
					SynchronousSource.this.demand += n;
					if (SynchronousSource.this.emitting) {
						return;
					}
					SynchronousSource.this.emitting = true;
					while (SynchronousSource.this.demand > 0 && SynchronousSource.this.next < SynchronousSource.this.count) {
						SynchronousSource.this.demand--;
						subscriber.onNext("e" + SynchronousSource.this.next++);
					}
					if (SynchronousSource.this.next == SynchronousSource.this.count) {
						SynchronousSource.this.next++;
						subscriber.onComplete();
					}
					SynchronousSource.this.emitting = false;
				}

				@Override
				public void cancel() {
				}

			});
		}

	}

}
