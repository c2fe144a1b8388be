package dev.ssereplay.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer pool's queue: order, timed waits, and many submitters to the pool's
 * threads, each run once.
 */
class WriterQueueTests {

	@Test
	void keepsTheOrderAndDrains() {
		WriterQueue queue = new WriterQueue();
		List<Runnable> runs = new ArrayList<>();
		List<Integer> ran = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			int number = i;
			Runnable run = () -> ran.add(number);
			runs.add(run);
			assertThat(queue.offer(run)).isTrue();
		}
		assertThat(queue).hasSize(100);
		assertThat(queue.poll()).isSameAs(runs.get(0));
		assertThat(queue.remove(runs.get(50))).isTrue();
		List<Runnable> drained = new ArrayList<>();
		assertThat(queue.drainTo(drained)).isEqualTo(98);
		assertThat(drained).containsExactlyElementsOf(
				runs.stream().filter((run) -> run != runs.get(0) && run != runs.get(50)).toList());
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void aTimedPollWaitsAndGivesUp() throws InterruptedException {
		WriterQueue queue = new WriterQueue();
		long started = System.nanoTime();
		assertThat(queue.poll(50, TimeUnit.MILLISECONDS)).isNull();
		assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
		Runnable run = () -> {
		};
		Thread offerer = new Thread(() -> queue.offer(run));
		offerer.start();
		assertThat(queue.poll(10, TimeUnit.SECONDS)).isSameAs(run);
		offerer.join();
	}

	@Test
	void everyRunSubmittedByManyThreadsRunsOnce() throws Exception {
		int submitters = 4;
		int runs = 20_000;
		AtomicIntegerArray counts = new AtomicIntegerArray(submitters * runs);
		CountDownLatch done = new CountDownLatch(submitters * runs);
		try (ElasticWriterPool pool = new ElasticWriterPool(3, 0)) {
			List<Thread> threads = new ArrayList<>();
			for (int s = 0; s < submitters; s++) {
				int base = s * runs;
				threads.add(new Thread(() -> {
					for (int i = 0; i < runs; i++) {
						int slot = base + i;
						pool.execute(() -> {
							counts.incrementAndGet(slot);
							done.countDown();
						});
					}
				}));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		}
		for (int i = 0; i < counts.length(); i++) {
			assertThat(counts.get(i)).isEqualTo(1);
		}
	}

}
