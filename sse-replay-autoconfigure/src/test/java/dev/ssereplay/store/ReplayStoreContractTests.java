package dev.ssereplay.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;

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
