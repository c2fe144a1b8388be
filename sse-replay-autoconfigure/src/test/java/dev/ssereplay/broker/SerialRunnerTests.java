package dev.ssereplay.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer hand-off, one interleaving at a time: a held executor decides when
 * a submitted run happens.
 */
class SerialRunnerTests {

	private final List<Runnable> submitted = new ArrayList<>();

	private final AtomicInteger runs = new AtomicInteger();

	private final AtomicInteger rejected = new AtomicInteger();

	private SerialRunner runner;

	private boolean park;

	private Runnable during = () -> {
	};

	SerialRunnerTests() {
		this.runner = new SerialRunner(this.submitted::add, this::run, this.rejected::incrementAndGet);
	}

	private void run() {
		this.runs.incrementAndGet();
		this.during.run();
		this.runner.runDone(this.park, false);
	}

	private void runSubmitted() {
		while (!this.submitted.isEmpty()) {
			this.submitted.remove(0).run();
		}
	}

	@Test
	void nothingRunsBeforeTheFirstUnpark() {
		this.runner.wake();
		assertThat(this.submitted).isEmpty();
		this.runner.unpark();
		assertThat(this.submitted).hasSize(1);
	}

	@Test
	void wakesWhileQueuedAreOneRun() {
		this.runner.unpark();
		this.runner.wake();
		this.runner.wake();
		runSubmitted();
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void aWakeDuringARunRunsItOnceMore() {
		this.runner.unpark();
		this.during = () -> {
			if (this.runs.get() == 1) {
				this.runner.wake();
			}
		};
		runSubmitted();
		assertThat(this.runs).hasValue(2);
	}

	@Test
	void aParkedTaskIgnoresWakesUntilUnparked() {
		this.park = true;
		this.runner.unpark();
		runSubmitted();
		this.runner.wake();
		assertThat(this.submitted).isEmpty();
		this.park = false;
		this.runner.unpark();
		runSubmitted();
		assertThat(this.runs).hasValue(2);
	}

	@Test
	void anUnparkDuringARunThatParksIsNotLost() {
		this.park = true;
		this.runner.unpark();
		// The connection becomes writable between the writer's check and the end of its run.
		this.during = () -> {
			if (this.runs.get() == 1) {
				this.runner.unpark();
			}
		};
		runSubmitted();
		assertThat(this.runs).hasValue(2);
	}

	@Test
	void aRefusedRunIsReported() {
		this.runner = new SerialRunner((task) -> {
			throw new RejectedExecutionException("shut down");
		}, this::run, this.rejected::incrementAndGet);
		this.runner.unpark();
		assertThat(this.rejected).hasValue(1);
		assertThat(this.runs).hasValue(0);
	}

}
