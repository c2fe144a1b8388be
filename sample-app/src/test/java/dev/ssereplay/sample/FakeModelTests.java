package dev.ssereplay.sample;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake model's answers and the publisher that writes them.
 */
class FakeModelTests {

	private final FakeModel model = new FakeModel(Duration.ofMillis(1));

	@AfterEach
	void stop() {
		this.model.destroy();
	}

	@Test
	void answersAPromptAlwaysWithTheSameTokens() {
		List<String> tokens = FakeModel.tokens("Why?");
		assertThat(tokens).hasSize(FakeModel.TOKENS_PER_ANSWER).isEqualTo(FakeModel.tokens("Why?"));
		assertThat(tokens.get(0)).doesNotStartWith(" ").matches("[A-Z][a-z]*\\.?");
		assertThat(tokens.subList(1, tokens.size())).allSatisfy((token) -> assertThat(token).matches(" [A-Za-z]+\\.?"));
		assertThat(tokens.get(tokens.size() - 1)).endsWith(".");
		assertThat(FakeModel.answerText("Why?")).isEqualTo(String.join("", tokens));
		assertThat(FakeModel.answerText("Why not?")).isNotEqualTo(FakeModel.answerText("Why?"));
	}

	@Test
	void writesTheTokensAsTheyAreRequestedThenCompletes() throws Exception {
		Recorder recorder = new Recorder(1);
		this.model.answer("Why?").subscribe(recorder);
		recorder.completed.get(10, TimeUnit.SECONDS);
		assertThat(recorder.tokens).isEqualTo(FakeModel.tokens("Why?"));
	}

	@Test
	void writesNothingWithoutDemand() throws Exception {
		Recorder recorder = new Recorder(0);
		this.model.answer("Why?").subscribe(recorder);
		Thread.sleep(50);
		assertThat(recorder.tokens).isEmpty();
		recorder.subscription.request(3);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (recorder.tokens.size() < 3 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		Thread.sleep(50);
		assertThat(recorder.tokens).isEqualTo(FakeModel.tokens("Why?").subList(0, 3));
		assertThat(recorder.completed).isNotDone();
	}

	@Test
	void stopsWhenCancelled() throws Exception {
		Recorder recorder = new Recorder(0);
		this.model.answer("Why?").subscribe(recorder);
		recorder.subscription.request(Long.MAX_VALUE);
		recorder.subscription.request(Long.MAX_VALUE);
		Thread.sleep(20);
		recorder.subscription.cancel();
		int written = recorder.tokens.size();
		Thread.sleep(50);
		assertThat(recorder.tokens).hasSizeBetween(written, written + 1).hasSizeLessThan(FakeModel.TOKENS_PER_ANSWER);
		assertThat(recorder.completed).isNotDone();
	}

	@Test
	void failsARequestForNothing() throws Exception {
		Recorder recorder = new Recorder(0);
		this.model.answer("Why?").subscribe(recorder);
		recorder.subscription.request(0);
		assertThat(recorder.completed).failsWithin(Duration.ofSeconds(10))
			.withThrowableThat()
			.withCauseInstanceOf(IllegalArgumentException.class);
	}

	/**
	 * Records what a publisher signals, requesting a given number of tokens at
	 * first and one more for each token it receives.
	 */
	private static final class Recorder implements Subscriber<String> {

		private final List<String> tokens = new CopyOnWriteArrayList<>();

		private final CompletableFuture<Void> completed = new CompletableFuture<>();

		private final long initialDemand;

		private volatile Subscription subscription;

		Recorder(long initialDemand) {
			this.initialDemand = initialDemand;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscription = subscription;
			if (this.initialDemand > 0) {
				subscription.request(this.initialDemand);
			}
		}

		@Override
		public void onNext(String token) {
			this.tokens.add(token);
			if (this.initialDemand > 0) {
				this.subscription.request(1);
			}
		}

		@Override
		public void onError(Throwable error) {
			this.completed.completeExceptionally(error);
		}

		@Override
		public void onComplete() {
			this.completed.complete(null);
		}

	}

}
