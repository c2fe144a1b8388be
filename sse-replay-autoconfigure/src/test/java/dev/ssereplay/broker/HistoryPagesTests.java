package dev.ssereplay.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StoreUnavailableException;
import dev.ssereplay.store.StreamStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a connection's writer reads history without waiting for the store. Without
 * threads: the store's answers are the test's.
 */
class HistoryPagesTests {

	private final InMemoryReplayStore history = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));

	private final AnsweringStore store = new AnsweringStore(this.history);

	private final AtomicInteger asked = new AtomicInteger();

	private final AtomicInteger answers = new AtomicInteger();

	private final HistoryPages pages = new HistoryPages(this.store, "s", 10, this.asked::incrementAndGet,
			this.answers::incrementAndGet);

	private final ReplayCursor cursor = new ReplayCursor("s", null, "resync", new BrokerStatistics(), (ex) -> {
		throw ex;
	});

	@Test
	void aPageNotThereAtOnceIsAwaitedWithoutAskingAgainAndWrittenWhenItArrives() {
		List<StoredEvent> events = resumeAfterFirstOf(3);
		FrameBatch batch = new FrameBatch();
		assertThat(this.pages.write(this.cursor, 1 << 20, batch)).isNull();
		assertThat(this.pages.canAsk()).isFalse();
		assertThat(this.pages.write(this.cursor, 1 << 20, batch)).isNull();
		assertThat(this.asked).hasValue(1);
		assertThat(this.store.reads).hasSize(1);
		assertThat(batch.isEmpty()).isTrue();
		this.store.answer(0);
		assertThat(this.answers).hasValue(1);
		assertThat(this.pages.write(this.cursor, 1 << 20, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(RecordingConnection.textOf(batch)).contains("id: " + events.get(1).id()).contains("id: " + events.get(2).id());
		assertThat(this.cursor.position()).isEqualTo(events.get(2).id());
		assertThat(this.pages.canAsk()).isTrue();
	}

	@Test
	void aFailedReadIsTriedAgainASecondLater() {
		resumeAfterFirstOf(2);
		FrameBatch batch = new FrameBatch();
		this.pages.write(this.cursor, 1 << 20, batch);
		this.store.reads.get(0).completeExceptionally(new StoreUnavailableException("Redis did not answer", null));
		long failedAt = System.nanoTime();
		assertThat(this.pages.write(this.cursor, 1 << 20, batch)).isNull();
		assertThat(this.pages.canAsk()).isFalse();
		assertThat(this.pages.isRetryDue(failedAt)).isFalse();
		assertThat(this.pages.isRetryDue(failedAt + 1_100_000_000L)).isTrue();
		// Not before its time.
		assertThat(this.pages.write(this.cursor, 1 << 20, batch)).isNull();
		assertThat(this.store.reads).hasSize(1);
		assertThat(batch.isEmpty()).isTrue();
	}

	@Test
	void aStoreThatAnswersAtOnceIsWrittenInTheSameRun() {
		List<StoredEvent> events = resumeAfterFirstOf(2);
		this.store.answerAtOnce = true;
		FrameBatch batch = new FrameBatch();
		assertThat(this.pages.write(this.cursor, 1 << 20, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(RecordingConnection.textOf(batch)).contains("id: " + events.get(1).id());
		assertThat(this.answers).hasValue(0);
	}

	private List<StoredEvent> resumeAfterFirstOf(int count) {
		List<StoredEvent> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(this.history.append("s", SseEvent.of("e" + i)));
		}
		FrameBatch start = new FrameBatch();
		this.cursor.start(Position.parse(events.get(0).id().toString()),
				StreamStatus.open(events.get(count - 1).id()), null, start);
		return events;
	}

	/**
	 * Reads from an in-memory store, answered when the test says so.
	 */
	private static final class AnsweringStore extends DelegatingStore {

		private final List<CompletableFuture<ReadResult>> reads = new ArrayList<>();

		private final List<Runnable> answers = new ArrayList<>();

		private boolean answerAtOnce;

		AnsweringStore(ReplayStore delegate) {
			super(delegate);
		}

		void answer(int read) {
			this.answers.get(read).run();
		}

		@Override
		public CompletableFuture<ReadResult> readAfterAsync(String stream, EventId after, int limit) {
			if (this.answerAtOnce) {
				return CompletableFuture.completedFuture(readAfter(stream, after, limit));
			}
			CompletableFuture<ReadResult> read = new CompletableFuture<>();
			this.reads.add(read);
			this.answers.add(() -> read.complete(readAfter(stream, after, limit)));
			return read;
		}

	}

}
