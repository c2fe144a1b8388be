package dev.ssereplay.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A stand-in for a language model: answers a prompt with text derived from it,
 * one token at a time, at about the pace of a real one. The same prompt always
 * gives the same answer ({@link #answerText(String)}), so a test knows what a
 * client must end up with.
 * <p>
 * A token is a word with the space before it (none before the first), so that
 * the answer is its tokens concatenated, as with a real model. Tokens come as a
 * Reactive Streams {@link Publisher} that honours demand and cancellation; all
 * answers share one scheduler thread.
 */
@Component
final class FakeModel implements DisposableBean {

	/** Tokens in every answer. */
	static final int TOKENS_PER_ANSWER = 240;

	private static final String[] WORDS = { "stream", "event", "client", "server", "replay", "history", "order",
			"browser", "reconnect", "resume", "position", "token", "answer", "model", "prompt", "page", "reload",
			"word", "id", "sequence", "epoch", "store", "broker", "queue", "connection", "heartbeat", "subscriber",
			"publisher", "demand", "source", "end", "once", "exactly", "never", "always", "late", "early", "again",
			"every", "each", "missed", "kept", "bounded", "live", "final", "quietly", "plainly", "in", "after",
			"before", "with", "without", "the", "a", "its", "and", "or", "so", "then", "still", "gets", "sends",
			"keeps", "reads", "writes", "waits" };

	private final Duration tokenInterval;

	private final ScheduledExecutorService scheduler;

	FakeModel(@Value("${sample.model.token-interval:33ms}") Duration tokenInterval) {
		if (tokenInterval.isNegative() || tokenInterval.isZero()) {
			throw new IllegalArgumentException(
					"sample.model.token-interval must be positive, was " + tokenInterval);
		}
		this.tokenInterval = tokenInterval;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "fake-model");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Returns the tokens of the answer to a prompt: {@link #TOKENS_PER_ANSWER}
	 * words in sentences, chosen by a generator seeded with the prompt's hash.
	 * @param prompt the prompt
	 * @return the tokens, in order
	 */
	static List<String> tokens(String prompt) {
		// java.util.Random's sequence for a seed is fixed by its specification, as
		// is String.hashCode, so the answer is the same on every JVM.
		Random random = new Random(prompt.hashCode());
		List<String> tokens = new ArrayList<>(TOKENS_PER_ANSWER);
		int leftInSentence = 0;
		for (int i = 0; i < TOKENS_PER_ANSWER; i++) {
			String word = WORDS[random.nextInt(WORDS.length)];
			if (leftInSentence == 0) {
				leftInSentence = 6 + random.nextInt(10);
				word = word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
			}
			leftInSentence--;
			if (leftInSentence == 0 || i == TOKENS_PER_ANSWER - 1) {
				word = word + ".";
				leftInSentence = 0;
			}
			tokens.add((i == 0) ? word : " " + word);
		}
		return tokens;
	}

	/**
	 * Returns the whole answer to a prompt: its tokens concatenated.
	 * @param prompt the prompt
	 * @return the answer
	 */
	static String answerText(String prompt) {
		return String.join("", tokens(prompt));
	}

	/**
	 * Answers a prompt: a publisher that emits its tokens, one every token
	 * interval ({@code sample.model.token-interval}), while there is demand, then
	 * completes. Each subscriber gets the whole answer.
	 * @param prompt the prompt
	 * @return the tokens as they are written
	 */
	Publisher<String> answer(String prompt) {
		List<String> tokens = tokens(prompt);
		return (subscriber) -> new Writing(tokens, Objects.requireNonNull(subscriber, "subscriber")).start();
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	/**
	 * One subscriber's answer being written. Signals go out from the scheduler
	 * thread only, one tick at a time, each tick scheduling the next; the
	 * subscriber's calls only record demand or cancellation, so they may come
	 * from any thread, or from within {@code onNext}.
	 */
	private final class Writing implements Subscription, Runnable {

		private final List<String> tokens;

		private final Subscriber<? super String> subscriber;

		private final AtomicLong demand = new AtomicLong();

		private volatile boolean cancelled;

		private volatile boolean invalidRequest;

		// Read and written by ticks only, which the scheduler runs one after another.
		private int next;

		Writing(List<String> tokens, Subscriber<? super String> subscriber) {
			this.tokens = tokens;
			this.subscriber = subscriber;
		}

		void start() {
			this.subscriber.onSubscribe(this);
			scheduleNextTick();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				this.invalidRequest = true;
				return;
			}
			this.demand.accumulateAndGet(n, (current, added) -> {
				long sum = current + added;
				return (sum < 0) ? Long.MAX_VALUE : sum;
			});
		}

		@Override
		public void cancel() {
			this.cancelled = true;
		}

		@Override
		public void run() {
			if (this.cancelled) {
				return;
			}
			if (this.invalidRequest) {
				this.cancelled = true;
				this.subscriber.onError(new IllegalArgumentException("request(n) needs n > 0"));
				return;
			}
			if (this.demand.get() > 0) {
				this.demand.decrementAndGet();
				this.subscriber.onNext(this.tokens.get(this.next++));
				if (this.next == this.tokens.size()) {
					this.cancelled = true;
					this.subscriber.onComplete();
					return;
				}
			}
			scheduleNextTick();
		}

		private void scheduleNextTick() {
			if (this.cancelled) {
				return;
			}
			try {
				FakeModel.this.scheduler.schedule(this, FakeModel.this.tokenInterval.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// The application is shutting down.
				this.cancelled = true;
				this.subscriber.onError(new IllegalStateException("The model was shut down"));
			}
		}

	}

}
