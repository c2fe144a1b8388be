package dev.ssereplay.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live queue's ring: its bound, its order while it grows and wraps, and the
 * same under many publishers and one writer.
 */
class LiveQueueTests {

	private static final byte[] FRAME = new byte[0];

	@Test
	void takesTheDepthAndNoMore() {
		LiveQueue queue = new LiveQueue(100);
		assertThat(queue.isEmpty()).isTrue();
		for (int i = 1; i <= 100; i++) {
			assertThat(queue.offer(event(0, i))).isTrue();
		}
		assertThat(queue.offer(event(0, 101))).isFalse();
		assertThat(queue.size()).isEqualTo(100);
		for (int i = 1; i <= 100; i++) {
			assertThat(queue.poll().id().sequence()).isEqualTo(i);
		}
		assertThat(queue.poll()).isNull();
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.size()).isZero();
		assertThat(queue.offer(event(0, 101))).isTrue();
		assertThat(queue.poll().id().sequence()).isEqualTo(101);
	}

	@Test
	void aDepthOfOneHoldsOneEvent() {
		LiveQueue queue = new LiveQueue(1);
		for (int i = 1; i <= 10; i++) {
			assertThat(queue.offer(event(0, i))).isTrue();
			assertThat(queue.offer(event(0, 100 + i))).isFalse();
			assertThat(queue.poll().id().sequence()).isEqualTo(i);
		}
	}

	@Test
	void keepsTheOrderWhileItGrowsAndWraps() {
		Random random = new Random(42);
		for (int depth : new int[] { 2, 3, 7, 16, 100, 256 }) {
			LiveQueue queue = new LiveQueue(depth);
			ArrayDeque<Long> expected = new ArrayDeque<>();
			long next = 1;
			for (int round = 0; round < 2000; round++) {
				int offers = random.nextInt(depth + 2);
				for (int i = 0; i < offers; i++) {
					boolean fits = expected.size() < depth;
					assertThat(queue.offer(event(0, next))).as("depth %d", depth).isEqualTo(fits);
					if (fits) {
						expected.addLast(next);
					}
					next++;
				}
				int polls = random.nextInt(depth + 2);
				for (int i = 0; i < polls; i++) {
					StoredEvent event = queue.poll();
					Long oldest = expected.pollFirst();
					assertThat((event != null) ? event.id().sequence() : null).as("depth %d", depth).isEqualTo(oldest);
				}
				assertThat(queue.size()).isEqualTo(expected.size());
			}
		}
	}

	@Test
	void clearTakesEverything() {
		LiveQueue queue = new LiveQueue(64);
		for (int i = 1; i <= 40; i++) {
			queue.offer(event(0, i));
		}
		assertThat(queue.clear()).isEqualTo(40);
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.size()).isZero();
		assertThat(queue.offer(event(0, 41))).isTrue();
		assertThat(queue.poll().id().sequence()).isEqualTo(41);
	}

	@Test
	void manyPublishersWithinTheDepthLoseNothing() throws Exception {
		// Each publisher offers until the event fits, as a subscriber that keeps up
		// would see: every event arrives once, in each publisher's order.
		int publishers = 6;
		int events = 50_000;
		List<List<Long>> received = run(publishers, events, 64, true);
		for (int p = 0; p < publishers; p++) {
			assertThat(received.get(p)).hasSize(events);
			for (int i = 0; i < events; i++) {
				assertThat(received.get(p).get(i)).isEqualTo(i + 1L);
			}
		}
	}

	@Test
	void manyPublishersBeyondTheDepthAreRefusedAndTheRestArrivesInOrder() throws Exception {
		// A writer that falls behind: what does not fit is refused (the slow policy
		// applies to it), and what was taken arrives once, in order.
		int publishers = 6;
		int events = 20_000;
		AtomicInteger refused = new AtomicInteger();
		List<List<Long>> received = run(publishers, events, 16, false, refused);
		int total = 0;
		for (int p = 0; p < publishers; p++) {
			assertThat(received.get(p)).isSorted().doesNotHaveDuplicates();
			total += received.get(p).size();
		}
		assertThat(total + refused.get()).isEqualTo(publishers * events);
		assertThat(refused.get()).isPositive();
	}

	private List<List<Long>> run(int publishers, int events, int depth, boolean retry) throws Exception {
		return run(publishers, events, depth, retry, new AtomicInteger());
	}

	// Publisher p offers the sequences 1..events in epoch p; one writer polls until
	// every publisher is done and the queue is empty.
	private List<List<Long>> run(int publishers, int events, int depth, boolean retry, AtomicInteger refused)
			throws Exception {
		LiveQueue queue = new LiveQueue(depth);
		List<List<Long>> received = new ArrayList<>();
		for (int p = 0; p < publishers; p++) {
			received.add(new ArrayList<>());
		}
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger running = new AtomicInteger(publishers);
		AtomicBoolean failed = new AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		for (int p = 0; p < publishers; p++) {
			int epoch = p;
			threads.add(new Thread(() -> {
				try {
					start.await();
					for (int i = 1; i <= events; i++) {
						StoredEvent event = event(epoch, i);
						while (!queue.offer(event)) {
							if (!retry) {
								refused.incrementAndGet();
								break;
							}
							Thread.onSpinWait();
						}
					}
				}
				catch (InterruptedException ex) {
					failed.set(true);
				}
				finally {
					running.decrementAndGet();
				}
			}));
		}
		Thread writer = new Thread(() -> {
			while (true) {
				boolean done = running.get() == 0;
				StoredEvent event = queue.poll();
				if (event != null) {
					received.get((int) event.id().epoch() - 1).add(event.id().sequence());
					if (!retry && (event.id().sequence() % 7) == 0) {
						// Fall behind now and then.
						Thread.yield();
					}
				}
				else if (done && queue.isEmpty()) {
					return;
				}
				else {
					Thread.onSpinWait();
				}
			}
		});
		threads.forEach(Thread::start);
		writer.start();
		start.countDown();
		for (Thread thread : threads) {
			thread.join(60_000);
		}
		writer.join(60_000);
		assertThat(writer.isAlive()).isFalse();
		assertThat(failed).isFalse();
		assertThat(queue.size()).isZero();
		return received;
	}

	private static StoredEvent event(long epoch, long sequence) {
		return new StoredEvent("s", new EventId(epoch + 1, sequence), null, FRAME, 0);
	}

}
