package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamCompletedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The bound on appends in flight: a place per append until Redis answers, a wait
 * of at most the command timeout for one, and every outcome giving it back.
 * Without Redis: the test answers the appends.
 */
class AsyncAppendsTests {

	private static final List<Object> REPLY = List.of(7L);

	private final AtomicInteger sent = new AtomicInteger();

	private final ExecutorService publisher = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopPublisher() {
		this.publisher.shutdownNow();
	}

	@Test
	void anAppendHoldsItsPlaceUntilRedisAnswers() {
		AsyncAppends appends = new AsyncAppends(2, Duration.ofSeconds(10));
		CompletableFuture<List<Object>> reply = new CompletableFuture<>();
		CompletableFuture<StoredEvent> appended = appends.send("s", "append to stream 's'", send(reply), this::stored);
		assertThat(appends.inFlight()).isEqualTo(1);
		assertThat(appended).isNotDone();
		reply.complete(REPLY);
		assertThat(appended.join().sequence()).isEqualTo(7);
		assertThat(appends.inFlight()).isZero();
	}

	@Test
	void anAppendBeyondTheBoundIsSentOnceAPlaceIsFree() throws Exception {
		AsyncAppends appends = new AsyncAppends(1, Duration.ofSeconds(30));
		CompletableFuture<List<Object>> first = new CompletableFuture<>();
		appends.send("s", "append to stream 's'", send(first), this::stored);
		Future<CompletableFuture<StoredEvent>> second = this.publisher
			.submit(() -> appends.send("s", "append to stream 's'", send(CompletableFuture.completedFuture(REPLY)),
					this::stored));
		Thread.sleep(100);
		assertThat(second).isNotDone();
		assertThat(this.sent).hasValue(1);
		first.complete(REPLY);
		assertThat(second.get(10, TimeUnit.SECONDS).join().sequence()).isEqualTo(7);
		assertThat(this.sent).hasValue(2);
		assertThat(appends.inFlight()).isZero();
	}

	@Test
	void anAppendThatFindsNoPlaceWithinTheTimeoutFailsUnsent() {
		AsyncAppends appends = new AsyncAppends(1, Duration.ofMillis(50));
		appends.send("s", "append to stream 's'", send(new CompletableFuture<>()), this::stored);
		CompletableFuture<StoredEvent> appended = appends.send("s", "append to stream 's'", send(new CompletableFuture<>()),
				this::stored);
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> failure(appended))
			.withMessage("Could not append to stream 's': 1 appends (sse.replay.redis.max-in-flight-appends) have "
					+ "awaited Redis's answer for longer than 50 ms");
		assertThat(this.sent).hasValue(1);
		assertThat(appends.inFlight()).isEqualTo(1);
	}

	@Test
	void aFailedAppendGivesItsPlaceBackAndFailsWithTheSameException() {
		AsyncAppends appends = new AsyncAppends(1, Duration.ofSeconds(10));
		StoreUnavailableException unavailable = new StoreUnavailableException("Redis is down", null);
		CompletableFuture<StoredEvent> appended = appends.send("s", "append to stream 's'",
				send(CompletableFuture.failedFuture(unavailable)), this::stored);
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> failure(appended))
			.isSameAs(unavailable);
		assertThat(appends.inFlight()).isZero();
	}

	@Test
	void aReplyThatIsNotAStoredEventFailsTheAppendAndGivesItsPlaceBack() {
		AsyncAppends appends = new AsyncAppends(1, Duration.ofSeconds(10));
		CompletableFuture<StoredEvent> appended = appends.send("s", "append to stream 's'",
				send(CompletableFuture.completedFuture(REPLY)), (reply) -> {
					throw new StreamCompletedException("s");
				});
		assertThatExceptionOfType(StreamCompletedException.class).isThrownBy(() -> failure(appended));
		assertThat(appends.inFlight()).isZero();
	}

	@Test
	void anInterruptedPublisherFailsTheAppendUnsentAndStaysInterrupted() {
		AsyncAppends appends = new AsyncAppends(1, Duration.ofSeconds(10));
		Thread.currentThread().interrupt();
		CompletableFuture<StoredEvent> appended;
		try {
			appended = appends.send("s", "append to stream 's'", send(new CompletableFuture<>()), this::stored);
		}
		finally {
			assertThat(Thread.interrupted()).isTrue();
		}
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> failure(appended))
			.withMessage("Interrupted while waiting to append to stream 's'");
		assertThat(this.sent).hasValue(0);
		assertThat(appends.inFlight()).isZero();
	}

	private Supplier<CompletableFuture<List<Object>>> send(CompletableFuture<List<Object>> reply) {
		return () -> {
			this.sent.incrementAndGet();
			return reply;
		};
	}

	private StoredEvent stored(List<Object> reply) {
		return new StoredEvent("s", new EventId(1, (Long) reply.get(0)), null, new byte[0], 0);
	}

	private static void failure(CompletableFuture<?> future) throws Throwable {
		assertThat(future).isCompletedExceptionally();
		try {
			future.join();
		}
		catch (CompletionException ex) {
			throw ex.getCause();
		}
	}

}
