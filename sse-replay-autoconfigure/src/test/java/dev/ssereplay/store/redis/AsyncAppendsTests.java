package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
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
import static org.awaitility.Awaitility.await;

/**
 * The bound on appends in flight: a place per append until Redis answers, a wait
 * of at most the command timeout for one, and every outcome giving it back; and
 * the appends that queue up for a stream going together, in order, in one call.
 * Without Redis: the test answers the appends.
 */
class AsyncAppendsTests {

	private static final List<Object> REPLY = List.of(7L);

	private static final Duration WAIT = Duration.ofSeconds(10);

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

	@Test
	void appendsBeyondTheStreamsCallsOnTheirWayQueueAndGoAsOneCallInOrderWhenOneIsAnswered() {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofSeconds(10));
		Calls calls = new Calls();
		List<CompletableFuture<String>> sent = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			sent.add(calls.append(appends, "s", "e" + i));
		}
		// Two sent at once, alone; the others wait for one of them to be answered.
		assertThat(calls.sent()).containsExactly(List.of("e0"), List.of("e1"));
		assertThat(appends.inFlight()).isEqualTo(5);
		calls.answer(0);
		await().atMost(WAIT).until(() -> calls.sent().size() == 3);
		assertThat(calls.sent().get(2)).containsExactly("e2", "e3", "e4");
		assertThat(sent.get(0).join()).isEqualTo("e0@0");
		calls.answer(1);
		calls.answer(2);
		// Each append reads its own place in the reply of the call that carried it.
		assertThat(sent).extracting(CompletableFuture::join)
			.containsExactly("e0@0", "e1@0", "e2@0", "e3@1", "e4@2");
		assertThat(appends.inFlight()).isZero();
	}

	@Test
	void appendsToOtherStreamsAreSentAtOnceWhileOneStreamsAppendsQueue() {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofSeconds(10));
		Calls calls = new Calls();
		calls.append(appends, "a", "a0");
		calls.append(appends, "a", "a1");
		calls.append(appends, "a", "a2");
		calls.append(appends, "b", "b0");
		assertThat(calls.sent()).containsExactly(List.of("a0"), List.of("a1"), List.of("b0"));
	}

	@Test
	void aBatchHoldsAtMostItsCountOfEventsAndBytesAndALargerEventGoesAlone() {
		AsyncAppends appends = new AsyncAppends(1024, Duration.ofSeconds(10));
		Calls calls = new Calls();
		calls.append(appends, "s", "first");
		calls.append(appends, "s", "second");
		for (int i = 0; i < AsyncAppends.MAX_BATCH_EVENTS + 10; i++) {
			calls.append(appends, "s", "small" + i);
		}
		String large = "x".repeat(AsyncAppends.MAX_BATCH_BYTES);
		calls.append(appends, "s", large);
		calls.append(appends, "s", "after");
		calls.answer(0);
		calls.answer(1);
		await().atMost(WAIT).until(() -> calls.sent().size() == 4);
		assertThat(calls.sent().get(2)).hasSize(AsyncAppends.MAX_BATCH_EVENTS).startsWith("small0");
		assertThat(calls.sent().get(3)).hasSize(10).endsWith("small" + (AsyncAppends.MAX_BATCH_EVENTS + 9));
		calls.answer(2);
		await().atMost(WAIT).until(() -> calls.sent().size() == 5);
		assertThat(calls.sent().get(4)).containsExactly(large);
		calls.answer(3);
		await().atMost(WAIT).until(() -> calls.sent().size() == 6);
		assertThat(calls.sent().get(5)).containsExactly("after");
	}

	@Test
	void anAppendThatGoesAloneKeepsItsPlaceAmongTheQueuedOnes() {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofSeconds(10));
		Calls calls = new Calls();
		calls.append(appends, "s", "e0");
		calls.append(appends, "s", "e1");
		calls.append(appends, "s", "e2");
		calls.append(appends, "s", "e3");
		calls.appendAlone(appends, "s", "once");
		calls.append(appends, "s", "e4");
		calls.answer(0);
		calls.answer(1);
		await().atMost(WAIT).until(() -> calls.sent().size() == 4);
		assertThat(calls.sent().subList(2, 4)).containsExactly(List.of("e2", "e3"), List.of("once"));
		calls.answer(2);
		await().atMost(WAIT).until(() -> calls.sent().size() == 5);
		assertThat(calls.sent().get(4)).containsExactly("e4");
	}

	@Test
	void aFailedCallFailsEachOfItsAppendsAndOnlyThose() {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofSeconds(10));
		Calls calls = new Calls();
		List<CompletableFuture<String>> sent = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			sent.add(calls.append(appends, "s", "e" + i));
		}
		calls.answer(0);
		await().atMost(WAIT).until(() -> calls.sent().size() == 3);
		StoreUnavailableException busy = new StoreUnavailableException("Redis is busy", null);
		calls.fail(2, busy);
		calls.answer(1);
		for (int i = 2; i < 6; i++) {
			CompletableFuture<String> append = sent.get(i);
			assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> failure(append))
				.isSameAs(busy);
		}
		assertThat(sent.get(0).join()).isEqualTo("e0@0");
		assertThat(sent.get(1).join()).isEqualTo("e1@0");
		assertThat(appends.inFlight()).isZero();
		// The stream goes on: the next append is sent at once.
		calls.append(appends, "s", "next");
		assertThat(calls.sent().get(3)).containsExactly("next");
	}

	@Test
	void aSynchronousAppendWaitsUntilTheStreamsQueuedAppendsAreSent() throws Exception {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofSeconds(30));
		Calls calls = new Calls();
		calls.append(appends, "s", "e0");
		calls.append(appends, "s", "e1");
		calls.append(appends, "s", "e2");
		// Nothing queued for another stream.
		appends.awaitSent("other", "append to stream 'other'");
		Future<Integer> synchronous = this.publisher.submit(() -> {
			appends.awaitSent("s", "append to stream 's'");
			return calls.sent().size();
		});
		Thread.sleep(100);
		assertThat(synchronous).isNotDone();
		calls.answer(0);
		assertThat(synchronous.get(10, TimeUnit.SECONDS)).isEqualTo(3);
	}

	@Test
	void aSynchronousAppendWaitsForTheAppendsQueuedBeforeItOnlyNotForThoseQueuedAfter() throws Exception {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofSeconds(2));
		Calls calls = new Calls();
		calls.append(appends, "s", "e0");
		calls.append(appends, "s", "e1");
		calls.append(appends, "s", "e2");
		Future<Integer> synchronous = this.publisher.submit(() -> {
			appends.awaitSent("s", "append to stream 's'");
			return calls.sent().size();
		});
		Thread.sleep(100);
		// Queued while the synchronous append waits, and left queued when e2 goes:
		// an append that goes alone does not join e2's call, and the stream then has
		// its two calls on their way again.
		calls.appendAlone(appends, "s", "later");
		calls.answer(0);
		assertThat(synchronous.get(10, TimeUnit.SECONDS)).isEqualTo(3);
		assertThat(calls.sent().get(2)).containsExactly("e2");
	}

	@Test
	void aSynchronousAppendThatWaitsLongerThanTheTimeoutForQueuedAppendsFails() {
		AsyncAppends appends = new AsyncAppends(256, Duration.ofMillis(50));
		Calls calls = new Calls();
		calls.append(appends, "s", "e0");
		calls.append(appends, "s", "e1");
		calls.append(appends, "s", "e2");
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> appends.awaitSent("s", "append to stream 's'"))
			.withMessage("Could not append to stream 's': the appends to it sent without waiting before were not "
					+ "sent to Redis within 50 ms");
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

	/**
	 * Script calls that the test answers: each call's reply is the name of the
	 * first event it carried, and each append reads its name and place.
	 */
	private static final class Calls {

		private final List<List<String>> sent = new CopyOnWriteArrayList<>();

		private final List<CompletableFuture<List<Object>>> replies = new CopyOnWriteArrayList<>();

		CompletableFuture<String> append(AsyncAppends appends, String stream, String name) {
			byte[] body = name.getBytes(StandardCharsets.UTF_8);
			return appends.sendJoinable(stream, "append to stream '" + stream + "'", body, () -> call(List.of(body)),
					this::call, (reply, index) -> name + "@" + index);
		}

		CompletableFuture<String> appendAlone(AsyncAppends appends, String stream, String name) {
			return appends.send(stream, "append to stream '" + stream + "'",
					() -> call(List.of(name.getBytes(StandardCharsets.UTF_8))), (reply) -> name + "@alone");
		}

		List<List<String>> sent() {
			return this.sent;
		}

		void answer(int call) {
			this.replies.get(call).complete(List.of());
		}

		void fail(int call, RuntimeException failure) {
			this.replies.get(call).completeExceptionally(failure);
		}

		private CompletableFuture<List<Object>> call(List<byte[]> bodies) {
			this.sent.add(bodies.stream().map((body) -> new String(body, StandardCharsets.UTF_8)).toList());
			CompletableFuture<List<Object>> reply = new CompletableFuture<>();
			this.replies.add(reply);
			return reply;
		}

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
