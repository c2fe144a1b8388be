package dev.ssereplay.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The behaviour every {@link ReplayStore} must have. Each implementation runs
 * this suite through a subclass that says how to create and restart its store.
 */
public abstract class ReplayStoreContractTests {

	private final List<ReplayStore> created = new ArrayList<>();

	/**
	 * Creates an empty store with the given per-stream bound and a time to live
	 * long enough not to matter.
	 */
	protected abstract ReplayStore createStore(int maxEventsPerStream);

	/**
	 * Returns a store over the same backing data as the given one after its history
	 * was lost (a restarted process, a flushed server).
	 */
	protected abstract ReplayStore restart(ReplayStore store);

	/**
	 * Releases what a store holds.
	 */
	protected void dispose(ReplayStore store) {
	}

	protected final ReplayStore store(int maxEventsPerStream) {
		ReplayStore store = createStore(maxEventsPerStream);
		this.created.add(store);
		return store;
	}

	@AfterEach
	void disposeStores() {
		this.created.forEach(this::dispose);
	}

	@Test
	void appendAssignsDenseSequenceNumbersInOneEpoch() {
		ReplayStore store = store(100);
		StoredEvent first = store.append("orders", SseEvent.of("a"));
		StoredEvent second = store.append("orders", SseEvent.of("b"));
		StoredEvent third = store.append("orders", SseEvent.of("c"));
		assertThat(List.of(first.sequence(), second.sequence(), third.sequence())).containsExactly(1L, 2L, 3L);
		assertThat(second.id().epoch()).isEqualTo(first.id().epoch()).isEqualTo(third.id().epoch());
		assertThat(store.head("orders")).isEqualTo(third.id());
	}

	@Test
	void appendAsyncFromOneThreadAssignsDenseSequenceNumbersInTheOrderSent() {
		ReplayStore store = store(1000);
		store.append("async", SseEvent.of("sync"));
		List<CompletableFuture<StoredEvent>> sent = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			sent.add(store.appendAsync((i % 3 == 0) ? "async" : "other", SseEvent.of("e" + i)));
		}
		List<StoredEvent> async = new ArrayList<>();
		List<StoredEvent> other = new ArrayList<>();
		for (int i = 0; i < sent.size(); i++) {
			((i % 3 == 0) ? async : other).add(sent.get(i).join());
		}
		assertThat(async).extracting(StoredEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(2, 101).boxed().toList());
		assertThat(other).extracting(StoredEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
		assertThat(async.stream().map((event) -> event.id().epoch()).distinct()).hasSize(1);
		ReadResult.Events read = (ReadResult.Events) store.readAfter("async", async.get(0).id(), 1000);
		assertThat(read.events()).extracting(StoredEvent::id)
			.containsExactlyElementsOf(async.subList(1, async.size()).stream().map(StoredEvent::id).toList());
		assertThat(read.events().get(0).frame()).isEqualTo(async.get(1).frame());
	}

	@Test
	void appendAsyncToAnEndedStreamFailsTheFuture() {
		ReplayStore store = store(100);
		store.complete("ended", SseEvent.of("end"), null);
		assertThat(store.appendAsync("ended", SseEvent.of("late"))).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(StreamCompletedException.class);
	}

	@Test
	void appendFormatsTheEventOnceWithItsId() {
		ReplayStore store = store(100);
		StoredEvent event = store.append("orders", SseEvent.of("created", "line 1\nline 2"));
		assertThat(new String(event.frame(), StandardCharsets.UTF_8))
			.isEqualTo("id: " + event.id() + "\nevent: created\ndata: line 1\ndata: line 2\n\n");
		assertThat(event.name()).isEqualTo("created");
		assertThat(event.stream()).isEqualTo("orders");
	}

	@Test
	void streamsHaveIndependentSequencesAndEpochs() {
		ReplayStore store = store(100);
		StoredEvent a = store.append("a", SseEvent.of("1"));
		store.append("a", SseEvent.of("2"));
		StoredEvent b = store.append("b", SseEvent.of("1"));
		assertThat(b.sequence()).isEqualTo(1);
		assertThat(b.id().epoch()).isNotEqualTo(a.id().epoch());
	}

	@Test
	void headOfAnEmptyStreamIsSequenceZeroAndStable() {
		ReplayStore store = store(100);
		EventId head = store.head("empty");
		assertThat(head.sequence()).isZero();
		assertThat(store.head("empty")).isEqualTo(head);
		StoredEvent first = store.append("empty", SseEvent.of("x"));
		assertThat(first.id()).isEqualTo(new EventId(head.epoch(), 1));
	}

	@Test
	void readAfterReturnsEverythingAfterThePositionInOrder() {
		ReplayStore store = store(100);
		List<StoredEvent> appended = appendMany(store, "s", 10);
		ReadResult result = store.readAfter("s", appended.get(3).id(), 100);
		assertThat(result).isInstanceOf(ReadResult.Events.class);
		assertThat(((ReadResult.Events) result).events()).extracting(StoredEvent::id)
			.containsExactlyElementsOf(appended.subList(4, 10).stream().map(StoredEvent::id).toList());
		assertThat(result.head()).isEqualTo(appended.get(9).id());
	}

	@Test
	void readAfterTheHeadIsEmpty() {
		ReplayStore store = store(100);
		List<StoredEvent> appended = appendMany(store, "s", 3);
		ReadResult result = store.readAfter("s", appended.get(2).id(), 100);
		assertThat(((ReadResult.Events) result).events()).isEmpty();
		assertThat(((ReadResult.Events) result).reachedHead(appended.get(2).id())).isTrue();
	}

	@Test
	void readAfterSequenceZeroReturnsTheWholeHistory() {
		ReplayStore store = store(100);
		EventId start = store.head("s");
		appendMany(store, "s", 5);
		ReadResult result = store.readAfter("s", start, 100);
		assertThat(((ReadResult.Events) result).events()).extracting(StoredEvent::sequence)
			.containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	void readAfterHonoursTheLimitAndPagesToTheHead() {
		ReplayStore store = store(100);
		EventId position = store.head("s");
		appendMany(store, "s", 25);
		List<Long> read = new ArrayList<>();
		for (int page = 0; page < 10; page++) {
			ReadResult.Events events = (ReadResult.Events) store.readAfter("s", position, 10);
			assertThat(events.events().size()).isLessThanOrEqualTo(10);
			events.events().forEach((event) -> read.add(event.sequence()));
			if (events.reachedHead(position)) {
				break;
			}
			position = events.events().get(events.events().size() - 1).id();
		}
		assertThat(read).hasSize(25).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void readAfterAnEvictedPositionCannotBeServed() {
		ReplayStore store = store(5);
		List<StoredEvent> appended = appendMany(store, "s", 12);
		ReadResult result = store.readAfter("s", appended.get(2).id(), 100);
		assertThat(result).isEqualTo(new ReadResult.CannotServe(ResyncReason.EVICTED, appended.get(11).id()));
		ReadResult stillServed = store.readAfter("s", appended.get(6).id(), 100);
		assertThat(((ReadResult.Events) stillServed).events()).extracting(StoredEvent::sequence)
			.containsExactly(8L, 9L, 10L, 11L, 12L);
	}

	@Test
	void perStreamBoundKeepsTheNewestEvents() {
		ReplayStore store = store(3);
		EventId start = store.head("s");
		appendMany(store, "s", 7);
		ReadResult result = store.readAfter("s", new EventId(start.epoch(), 4), 100);
		assertThat(((ReadResult.Events) result).events()).extracting(StoredEvent::sequence)
			.containsExactly(5L, 6L, 7L);
	}

	@Test
	void anIdOfAnotherStreamIsAnotherEpoch() {
		ReplayStore store = store(100);
		StoredEvent other = store.append("other", SseEvent.of("x"));
		store.append("mine", SseEvent.of("y"));
		ReadResult result = store.readAfter("mine", other.id(), 100);
		assertThat(result).isInstanceOf(ReadResult.CannotServe.class);
		assertThat(((ReadResult.CannotServe) result).reason()).isEqualTo(ResyncReason.OTHER_EPOCH);
	}

	@Test
	void anIdAheadOfTheHeadIsUnknown() {
		ReplayStore store = store(100);
		StoredEvent event = store.append("s", SseEvent.of("x"));
		ReadResult result = store.readAfter("s", new EventId(event.id().epoch(), 999_999_999L), 100);
		assertThat(result).isEqualTo(new ReadResult.CannotServe(ResyncReason.UNKNOWN, event.id()));
	}

	@Test
	void historyLostStartsANewEpochAndOldIdsAreNotServed() {
		ReplayStore store = store(100);
		StoredEvent before = store.append("s", SseEvent.of("x"));
		ReplayStore restarted = restart(store);
		StoredEvent after = restarted.append("s", SseEvent.of("y"));
		assertThat(after.id().epoch()).isNotEqualTo(before.id().epoch());
		assertThat(after.sequence()).isEqualTo(1);
		ReadResult result = restarted.readAfter("s", before.id(), 100);
		assertThat(result).isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, after.id()));
	}

	@Test
	void listenersReceiveEveryAppendedEvent() throws InterruptedException {
		ReplayStore store = store(100);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		CountDownLatch latch = new CountDownLatch(5);
		store.addListener((event) -> {
			received.add(event);
			latch.countDown();
		});
		List<StoredEvent> appended = appendMany(store, "s", 5);
		assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(received).extracting(StoredEvent::id)
			.containsExactlyElementsOf(appended.stream().map(StoredEvent::id).toList());
		assertThat(received.get(0).frame()).isEqualTo(appended.get(0).frame());
	}

	@Test
	void aFailingListenerDoesNotFailTheAppendOrOtherListeners() throws InterruptedException {
		ReplayStore store = store(100);
		CountDownLatch latch = new CountDownLatch(1);
		store.addListener((event) -> {
			throw new IllegalStateException("listener failure");
		});
		store.addListener((event) -> latch.countDown());
		StoredEvent event = store.append("s", SseEvent.of("x"));
		assertThat(event.sequence()).isEqualTo(1);
		assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void completeAppendsTheFinalEventAndEndsTheStream() {
		ReplayStore store = store(100);
		StoredEvent first = store.append("answer", SseEvent.of("a"));
		StoredEvent last = store.complete("answer", new SseEvent("complete", "{\"reason\":\"completed\"}"), null);
		assertThat(last.sequence()).isEqualTo(2);
		assertThat(last.id().epoch()).isEqualTo(first.id().epoch());
		assertThat(last.ends()).isTrue();
		assertThat(new String(last.frame(), StandardCharsets.UTF_8))
			.isEqualTo("id: " + last.id() + "\nevent: complete\ndata: {\"reason\":\"completed\"}\n\n");
		ReadResult result = store.readAfter("answer", new EventId(first.id().epoch(), 0), 100);
		assertThat(((ReadResult.Events) result).events()).extracting(StoredEvent::id, StoredEvent::ends)
			.containsExactly(tuple(first.id(), false), tuple(last.id(), true));
		assertThat(store.status("answer")).isEqualTo(new StreamStatus(last.id(), last.id(), false));
	}

	@Test
	void aCompletedStreamRefusesEventsAndASecondEnd() {
		ReplayStore store = store(100);
		store.append("answer", SseEvent.of("a"));
		StoredEvent last = store.complete("answer", SseEvent.of("end"), null);
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> store.append("answer", SseEvent.of("late")));
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> store.complete("answer", SseEvent.of("again"), null));
		assertThat(store.head("answer")).isEqualTo(last.id());
	}

	@Test
	void aCompletedStreamHasNothingLeftForFreshClientsOrClientsThatHaveTheEnd() {
		ReplayStore store = store(100);
		StoredEvent first = store.append("answer", SseEvent.of("a"));
		StoredEvent last = store.complete("answer", SseEvent.of("end"), null);
		StreamStatus status = store.status("answer");
		assertThat(status.isOverFor(Position.FRESH)).isTrue();
		assertThat(status.isOverFor(Position.after(last.id()))).isTrue();
		assertThat(status.isOverFor(Position.after(first.id()))).isFalse();
		assertThat(status.isOverFor(Position.after(new EventId(first.id().epoch() + 1, 1)))).isFalse();
		assertThat(status.isOverFor(Position.MALFORMED)).isFalse();
		assertThat(store.status("other").hasEnded()).isFalse();
	}

	@Test
	void listenersReceiveTheFinalEventMarkedAsEnding() throws InterruptedException {
		ReplayStore store = store(100);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		CountDownLatch latch = new CountDownLatch(2);
		store.addListener((event) -> {
			received.add(event);
			latch.countDown();
		});
		store.append("answer", SseEvent.of("a"));
		StoredEvent last = store.complete("answer", SseEvent.of("end"), null);
		assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(received).extracting(StoredEvent::ends).containsExactly(false, true);
		assertThat(received.get(1).id()).isEqualTo(last.id());
		assertThat(received.get(1).frame()).isEqualTo(last.frame());
	}

	@Test
	void deleteRemovesTheHistoryAndEndsTheLifetime() throws InterruptedException {
		ReplayStore store = store(100);
		List<StoredEvent> received = new CopyOnWriteArrayList<>();
		CountDownLatch latch = new CountDownLatch(3);
		store.addListener((event) -> {
			received.add(event);
			latch.countDown();
		});
		StoredEvent first = store.append("session", SseEvent.of("a"));
		store.append("session", SseEvent.of("b"));
		StoredEvent last = store.delete("session", new SseEvent("complete", "{\"reason\":\"deleted\"}"));
		assertThat(last.sequence()).isEqualTo(3);
		assertThat(last.ends()).isTrue();
		assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(received.get(2).id()).isEqualTo(last.id());
		assertThat(received.get(2).ends()).isTrue();
		assertThat(store.readAfter("session", first.id(), 100)).isEqualTo(new ReadResult.Deleted(last.id()));
		assertThat(store.readAfter("session", new EventId(first.id().epoch(), 0), 100))
			.isEqualTo(new ReadResult.Deleted(last.id()));
		StreamStatus status = store.status("session");
		assertThat(status).isEqualTo(new StreamStatus(last.id(), last.id(), true));
		assertThat(status.isOverFor(Position.after(first.id()))).isTrue();
		assertThat(status.isOverFor(Position.FRESH)).isTrue();
	}

	@Test
	void aPublishAfterADeleteStartsANewLifetime() {
		ReplayStore store = store(100);
		StoredEvent old = store.append("session", SseEvent.of("a"));
		store.delete("session", SseEvent.of("gone"));
		StoredEvent next = store.append("session", SseEvent.of("b"));
		assertThat(next.id().epoch()).isNotEqualTo(old.id().epoch());
		assertThat(next.sequence()).isEqualTo(1);
		assertThat(store.status("session")).isEqualTo(StreamStatus.open(next.id()));
		assertThat(store.readAfter("session", old.id(), 100))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, next.id()));
	}

	@Test
	void aRepeatedIdempotencyKeyStoresNothingAndAnswersTheFirstId() throws InterruptedException {
		ReplayStore store = store(100);
		List<StoredEvent> heard = new CopyOnWriteArrayList<>();
		store.addListener(heard::add);
		IdempotencyKey key = new IdempotencyKey("order-42");
		IdempotentAppend first = store.appendOnce("orders", SseEvent.of("paid"), key);
		IdempotentAppend retry = store.appendOnce("orders", SseEvent.of("paid"), key);
		IdempotentAppend other = store.appendOnce("orders", SseEvent.of("paid, other data"), key);
		assertThat(first.repeated()).isFalse();
		assertThat(retry).isEqualTo(new IdempotentAppend(first.id(), true));
		assertThat(other).isEqualTo(new IdempotentAppend(first.id(), true));
		assertThat(store.head("orders")).isEqualTo(first.id());
		ReadResult result = store.readAfter("orders", new EventId(first.id().epoch(), 0), 100);
		assertThat(((ReadResult.Events) result).events()).extracting(StoredEvent::id).containsExactly(first.id());
		StoredEvent next = store.append("orders", SseEvent.of("shipped"));
		assertThat(next.sequence()).isEqualTo(2);
		TimeUnit.MILLISECONDS.sleep(200);
		assertThat(heard).extracting(StoredEvent::id).containsExactly(first.id(), next.id());
	}

	@Test
	void idempotencyKeysBelongToTheirStream() {
		ReplayStore store = store(100);
		IdempotencyKey key = new IdempotencyKey("same");
		IdempotentAppend a = store.appendOnce("a", SseEvent.of("x"), key);
		IdempotentAppend b = store.appendOnce("b", SseEvent.of("x"), key);
		assertThat(a.repeated()).isFalse();
		assertThat(b.repeated()).isFalse();
		assertThat(store.appendOnce("b", SseEvent.of("x"), new IdempotencyKey("other")).id().sequence())
			.isEqualTo(2);
	}

	@Test
	void aRepeatToAnEndedStreamAnswersTheFirstIdAndANewKeyIsRefused() {
		ReplayStore store = store(100);
		IdempotentAppend first = store.appendOnce("answer", SseEvent.of("a"), new IdempotencyKey("k1"));
		store.complete("answer", SseEvent.of("end"), null);
		assertThat(store.appendOnce("answer", SseEvent.of("a"), new IdempotencyKey("k1")))
			.isEqualTo(new IdempotentAppend(first.id(), true));
		assertThatExceptionOfType(StreamCompletedException.class)
			.isThrownBy(() -> store.appendOnce("answer", SseEvent.of("b"), new IdempotencyKey("k2")));
	}

	@Test
	void aStreamThatStartsANewLifetimeHasForgottenItsKeys() {
		ReplayStore store = store(100);
		IdempotencyKey key = new IdempotencyKey("k");
		IdempotentAppend first = store.appendOnce("session", SseEvent.of("a"), key);
		store.delete("session", SseEvent.of("gone"));
		// The deleted lifetime's publish did happen.
		assertThat(store.appendOnce("session", SseEvent.of("a"), key))
			.isEqualTo(new IdempotentAppend(first.id(), true));
		StoredEvent restarted = store.append("session", SseEvent.of("b"));
		IdempotentAppend again = store.appendOnce("session", SseEvent.of("a"), key);
		assertThat(again.repeated()).isFalse();
		assertThat(again.id()).isEqualTo(new EventId(restarted.id().epoch(), 2));
	}

	@Test
	void appendOnceAsyncFromOneThreadKeepsOrderAndRepeats() throws Exception {
		ReplayStore store = store(100);
		List<CompletableFuture<IdempotentAppend>> futures = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			futures.add(store.appendOnceAsync("async", SseEvent.of("e" + i), new IdempotencyKey("k" + (i % 25))));
		}
		List<IdempotentAppend> results = new ArrayList<>();
		for (CompletableFuture<IdempotentAppend> future : futures) {
			results.add(future.get(10, TimeUnit.SECONDS));
		}
		for (int i = 0; i < 25; i++) {
			assertThat(results.get(i).repeated()).isFalse();
			assertThat(results.get(i).id().sequence()).isEqualTo(i + 1);
			assertThat(results.get(i + 25)).isEqualTo(new IdempotentAppend(results.get(i).id(), true));
		}
		assertThat(store.head("async").sequence()).isEqualTo(25);
	}

	@Test
	void deletingACompletedStreamRemovesItsHistoryWithoutASecondFinalEvent() {
		ReplayStore store = store(100);
		StoredEvent first = store.append("answer", SseEvent.of("a"));
		StoredEvent last = store.complete("answer", SseEvent.of("end"), null);
		assertThat(store.delete("answer", SseEvent.of("gone"))).isNull();
		assertThat(store.readAfter("answer", first.id(), 100)).isEqualTo(new ReadResult.Deleted(last.id()));
		assertThat(store.delete("answer", SseEvent.of("gone"))).isNull();
	}

	@Test
	void deletingAStreamThatDoesNotExistEndsNothing() {
		ReplayStore store = store(100);
		assertThat(store.delete("nothing", SseEvent.of("gone"))).isNull();
		assertThat(store.status("nothing").hasEnded()).isFalse();
	}

	@Test
	void streamsAreListedAPageAtATime() {
		ReplayStore store = store(100);
		Set<String> expected = new HashSet<>();
		for (int i = 0; i < 25; i++) {
			store.append("listed-" + i, SseEvent.of("x"));
			expected.add("listed-" + i);
		}
		store.complete("listed-3", SseEvent.of("end"), null);
		Set<String> listed = new HashSet<>();
		String from = null;
		int pages = 0;
		do {
			StreamPage page = store.streams(from, 10);
			assertThat(page.streams().size()).isLessThanOrEqualTo(10);
			for (StreamSummary summary : page.streams()) {
				listed.add(summary.stream());
				assertThat(summary.events()).isEqualTo(summary.stream().equals("listed-3") ? 2 : 1);
				assertThat(summary.status().hasEnded()).isEqualTo(summary.stream().equals("listed-3"));
			}
			from = page.next();
			pages++;
		}
		while (from != null && pages < 100);
		assertThat(from).isNull();
		assertThat(listed).containsAll(expected);
	}

	@Test
	void aSummaryDescribesAStreamWithoutCreatingOne() {
		ReplayStore store = store(100);
		StoredEvent event = store.append("described", SseEvent.of("x"));
		StreamSummary summary = store.summary("described");
		assertThat(summary.stream()).isEqualTo("described");
		assertThat(summary.head()).isEqualTo(event.id());
		assertThat(summary.events()).isEqualTo(1);
		assertThat(summary.status().hasEnded()).isFalse();
		assertThat(store.summary("unknown")).isNull();
		assertThat(store.summary("unknown")).isNull();
		assertThat(store.streams(null, 100).streams()).extracting(StreamSummary::stream).doesNotContain("unknown");
	}

	@Test
	void concurrentPublishersGetUniqueDenseSequencesAndReadersSeeOrderedHistory() throws Exception {
		int publishers = 4;
		int perPublisher = 250;
		ReplayStore store = store(publishers * perPublisher);
		EventId start = store.head("busy");
		ExecutorService pool = Executors.newFixedThreadPool(publishers + 2);
		AtomicBoolean publishing = new AtomicBoolean(true);
		List<Long> sequences = Collections.synchronizedList(new ArrayList<>());
		try {
			List<Future<?>> readers = new ArrayList<>();
			for (int r = 0; r < 2; r++) {
				readers.add(pool.submit(() -> {
					while (publishing.get()) {
						ReadResult.Events events = (ReadResult.Events) store.readAfter("busy", start, 10_000);
						List<Long> seen = events.events().stream().map(StoredEvent::sequence).toList();
						for (int i = 0; i < seen.size(); i++) {
							assertThat(seen.get(i)).isEqualTo(i + 1L);
						}
					}
					return null;
				}));
			}
			List<Future<?>> writers = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int publisher = p;
				writers.add(pool.submit(() -> {
					for (int i = 0; i < perPublisher; i++) {
						sequences.add(store.append("busy", SseEvent.of(publisher + ":" + i)).sequence());
					}
					return null;
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(60, TimeUnit.SECONDS);
			}
			publishing.set(false);
			for (Future<?> reader : readers) {
				reader.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		int total = publishers * perPublisher;
		assertThat(sequences).hasSize(total).doesNotHaveDuplicates();
		assertThat(Collections.max(sequences)).isEqualTo(total);
		ReadResult.Events all = (ReadResult.Events) store.readAfter("busy", start, total + 1);
		assertThat(all.events()).extracting(StoredEvent::sequence).isSorted().hasSize(total);
		for (int p = 0; p < publishers; p++) {
			String prefix = "data: " + p + ":";
			List<Integer> order = all.events()
				.stream()
				.map((event) -> new String(event.frame(), StandardCharsets.UTF_8))
				.filter((frame) -> frame.contains(prefix))
				.map((frame) -> Integer.parseInt(frame.substring(frame.indexOf(prefix) + prefix.length()).trim()))
				.toList();
			assertThat(order).as("publisher %d's own order", p).isSorted().hasSize(perPublisher);
		}
	}

	protected static List<StoredEvent> appendMany(ReplayStore store, String stream, int count) {
		List<StoredEvent> appended = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			appended.add(store.append(stream, SseEvent.of("event " + i)));
		}
		return appended;
	}

}
