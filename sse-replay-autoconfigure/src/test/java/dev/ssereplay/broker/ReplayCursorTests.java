package dev.ssereplay.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ResyncReason;
import dev.ssereplay.store.StreamStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay cursor's decisions, step by step, without threads.
 */
class ReplayCursorTests {

	private final InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));

	private final BrokerStatistics statistics = new BrokerStatistics();

	private final ReplayCursor cursor = new ReplayCursor("s", null, "resync", this.statistics, (ex) -> {
		throw ex;
	});

	private final Duration retry = Duration.ofSeconds(3);

	@Test
	void aFreshConnectIsPrimedWithTheHeadAndGoesLive() {
		List<StoredEvent> events = publish(2);
		FrameBatch batch = new FrameBatch();
		assertThat(this.cursor.start(Position.FRESH, StreamStatus.open(events.get(1).id()), this.retry, batch))
			.isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(RecordingConnection.textOf(batch)).isEqualTo("retry: 3000\nid: " + events.get(1).id() + "\n\n");
		assertThat(this.cursor.position()).isEqualTo(events.get(1).id());
	}

	@Test
	void aResumeAnnouncesNoHeadAndReplaysPageByPageUntilTheHead() {
		List<StoredEvent> events = publish(5);
		FrameBatch start = new FrameBatch();
		assertThat(this.cursor.start(Position.after(events.get(0).id()), StreamStatus.open(null), this.retry, start))
			.isEqualTo(ReplayCursor.Next.REPLAY);
		assertThat(RecordingConnection.textOf(start)).isEqualTo("retry: 3000\n\n");
		FrameBatch first = new FrameBatch();
		assertThat(replay(this.cursor, 2, 1 << 20, first)).isEqualTo(ReplayCursor.Next.REPLAY);
		assertThat(first.replayed()).isEqualTo(2);
		FrameBatch second = new FrameBatch();
		assertThat(replay(this.cursor, 2, 1 << 20, second)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(second.replayed()).isEqualTo(2);
		assertThat(this.cursor.position()).isEqualTo(events.get(4).id());
	}

	@Test
	void aPageStopsAtTheByteBoundAndTheNextStartsAfterTheLastEventWritten() {
		List<StoredEvent> events = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			events.add(this.store.append("s", SseEvent.of("x".repeat(10_000))));
		}
		this.cursor.start(Position.after(new EventId(events.get(0).id().epoch(), 0)), StreamStatus.open(null), null, new FrameBatch());
		int frame = events.get(0).frame().length;
		List<Long> written = new ArrayList<>();
		ReplayCursor.Next next;
		do {
			FrameBatch batch = new FrameBatch();
			next = replay(this.cursor, 500, 64 * 1024, batch);
			assertThat(batch.size()).isLessThanOrEqualTo(64 * 1024);
			assertThat(batch.replayed()).isPositive();
			written.add((long) batch.replayed());
		}
		while (next == ReplayCursor.Next.REPLAY);
		assertThat(written.stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
		assertThat(written).allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(64 * 1024 / frame));
		assertThat(this.cursor.position()).isEqualTo(events.get(39).id());
	}

	@Test
	void oneEventLargerThanTheBoundIsStillWrittenAlone() {
		List<StoredEvent> events = publish(1);
		this.cursor.start(Position.after(new EventId(events.get(0).id().epoch(), 0)), StreamStatus.open(null), null, new FrameBatch());
		FrameBatch batch = new FrameBatch();
		assertThat(replay(this.cursor, 500, 1, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(batch.replayed()).isEqualTo(1);
	}

	@Test
	void aMalformedIdIsAResyncAtTheHeadGiven() {
		List<StoredEvent> events = publish(1);
		FrameBatch batch = new FrameBatch();
		assertThat(this.cursor.start(Position.MALFORMED, StreamStatus.open(events.get(0).id()), null, batch))
			.isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(RecordingConnection.textOf(batch)).isEqualTo("id: " + events.get(0).id()
				+ "\nevent: resync\ndata: {\"reason\":\"malformed\",\"head\":\"" + events.get(0).id() + "\"}\n\n");
		assertThat(this.statistics.getResyncs(ResyncReason.MALFORMED)).isEqualTo(1);
	}

	@Test
	void aPositionTheStoreCannotServeIsAResyncThenLive() {
		List<StoredEvent> events = publish(1);
		this.cursor.start(Position.after(new EventId(events.get(0).id().epoch() + 1, 3)), StreamStatus.open(null), null,
				new FrameBatch());
		FrameBatch batch = new FrameBatch();
		assertThat(replay(this.cursor, 10, 1 << 20, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(RecordingConnection.textOf(batch)).contains("\"reason\":\"other-epoch\"");
		assertThat(this.cursor.position()).isEqualTo(events.get(0).id());
	}

	@Test
	void liveEventsAtOrBeforeThePositionAreSkippedAndAHoleSendsItBackToTheStore() {
		List<StoredEvent> events = publish(4);
		this.cursor.start(Position.FRESH, StreamStatus.open(events.get(1).id()), null, new FrameBatch());
		FrameBatch batch = new FrameBatch();
		assertThat(this.cursor.live(events.get(0), null, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(this.cursor.live(events.get(1), null, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(batch.isEmpty()).isTrue();
		assertThat(this.cursor.live(events.get(3), null, batch)).isEqualTo(ReplayCursor.Next.REPLAY);
		assertThat(this.cursor.position()).isEqualTo(events.get(1).id());
		assertThat(this.cursor.live(events.get(2), null, batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(batch.live()).isEqualTo(1);
	}

	@Test
	void anEventOfAnotherEpochSendsItBackToTheStore() {
		List<StoredEvent> events = publish(1);
		this.cursor.start(Position.FRESH, StreamStatus.open(new EventId(events.get(0).id().epoch() + 1, 0)), null, new FrameBatch());
		assertThat(this.cursor.live(events.get(0), null, new FrameBatch())).isEqualTo(ReplayCursor.Next.REPLAY);
	}

	@Test
	void aHoleTheDropPolicyMadeIsToldNotRead() {
		List<StoredEvent> events = publish(4);
		this.cursor.start(Position.FRESH, StreamStatus.open(events.get(0).id()), null, new FrameBatch());
		FrameBatch batch = new FrameBatch();
		assertThat(this.cursor.live(events.get(3), events.get(2).id(), batch)).isEqualTo(ReplayCursor.Next.LIVE);
		assertThat(RecordingConnection.textOf(batch)).contains("id: " + events.get(2).id() + "\nevent: resync\n")
			.contains("\"reason\":\"dropped\"")
			.endsWith(new String(events.get(3).frame(), StandardCharsets.UTF_8));
		FrameBatch after = new FrameBatch();
		this.cursor.dropped(events.get(2).id(), after);
		assertThat(after.isEmpty()).as("told once").isTrue();
	}

	@Test
	void theFilterSkipsEventsButTheirPositionCounts() {
		ReplayCursor named = new ReplayCursor("s", "wanted"::equals, "resync", this.statistics, (ex) -> {
			throw ex;
		});
		List<StoredEvent> events = new ArrayList<>();
		events.add(this.store.append("s", new SseEvent("other", "a")));
		events.add(this.store.append("s", new SseEvent("wanted", "b")));
		named.start(Position.after(new EventId(events.get(0).id().epoch(), 0)), StreamStatus.open(null), null, new FrameBatch());
		FrameBatch batch = new FrameBatch();
		replay(named, 10, 1 << 20, batch);
		assertThat(batch.replayed()).isEqualTo(1);
		assertThat(named.position()).isEqualTo(events.get(1).id());
	}

	private List<StoredEvent> publish(int count) {
		List<StoredEvent> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(this.store.append("s", SseEvent.of("e" + i)));
		}
		return events;
	}


	// One page, read as the subscriber reads it: the size the cursor asks for,
	// after its position.
	private ReplayCursor.Next replay(ReplayCursor cursor, int maxEvents, int maxBytes, FrameBatch batch) {
		int limit = cursor.pageLimit(maxEvents);
		return cursor.replay(this.store.readAfter("s", cursor.position(), limit), limit, maxBytes, batch);
	}

}
