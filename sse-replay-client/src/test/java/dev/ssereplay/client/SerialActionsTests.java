package dev.ssereplay.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One action at a time, in order, on whichever thread finds the actions idle.
 */
class SerialActionsTests {

	private final List<String> ran = new CopyOnWriteArrayList<>();

	@Test
	void anActionOfferedByAnActionRunsOnceItReturnedNotInsideIt() {
		AtomicInteger depth = new AtomicInteger();
		AtomicInteger deepest = new AtomicInteger();
		int chain = 100_000;
		SerialActions actions = new SerialActions(() -> {
		});
		AtomicInteger left = new AtomicInteger(chain);
		Runnable[] next = new Runnable[1];
		next[0] = () -> {
			deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
			if (left.decrementAndGet() > 0) {
				actions.submit(next[0]);
			}
			depth.decrementAndGet();
		};
		actions.submit(next[0]);
		assertThat(left).hasValue(0);
		assertThat(deepest).hasValue(1);
	}

	@Test
	void theStepAfterEachRoundRunsOnceTheActionsAreDoneAndItsOffersRunInTheNextRound() {
		SerialActions[] actions = new SerialActions[1];
		actions[0] = new SerialActions(() -> {
			this.ran.add("after");
			if (this.ran.size() == 3) {
				actions[0].submit(() -> this.ran.add("offered after"));
			}
		});
		actions[0].offer(() -> this.ran.add("first"));
		actions[0].offer(() -> this.ran.add("second"));
		assertThat(this.ran).isEmpty();
		actions[0].drain();
		assertThat(this.ran).containsExactly("first", "second", "after", "offered after", "after");
	}

	@Test
	void aDrainWhileAnotherThreadRunsTheActionsLeavesThemToThatThread() throws Exception {
		SerialActions actions = new SerialActions(() -> {
		});
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread runner = new Thread(() -> actions.submit(() -> {
			running.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}), "runner");
		runner.start();
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		actions.submit(() -> this.ran.add(Thread.currentThread().getName()));
		assertThat(this.ran).isEmpty();
		release.countDown();
		runner.join(10_000);
		assertThat(runner.isAlive()).isFalse();
		assertThat(this.ran).containsExactly("runner");
	}

}
