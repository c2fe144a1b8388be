package dev.ssereplay.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The store contract for {@link InMemoryReplayStore}, and its own bounds: bytes,
 * age and idle streams.
 */
class InMemoryReplayStoreTests extends ReplayStoreContractTests {

	@Override
	protected ReplayStore createStore(int maxEventsPerStream) {
		return new InMemoryReplayStore(maxEventsPerStream, 64 * 1024 * 1024, Duration.ofHours(1));
	}

	@Override
	protected ReplayStore restart(ReplayStore store) {
		return createStore(100);
	}

	@Test
	void byteBoundRemovesTheOldestEventsOfTheWholeProcess() {
		// Events of about 1,030 bytes (the random epoch varies the id by a byte or
		// two): four fit in the bound, five do not.
		String data = "x".repeat(1000);
		long bound = 4 * 1040;
		InMemoryReplayStore store = new InMemoryReplayStore(100, bound, Duration.ofHours(1));
		StoredEvent a1 = store.append("a", SseEvent.of(data));
		StoredEvent b1 = store.append("b", SseEvent.of(data));
		StoredEvent a2 = store.append("a", SseEvent.of(data));
		StoredEvent b2 = store.append("b", SseEvent.of(data));
		assertThat(store.eventCount()).isEqualTo(4);
		assertThat(store.byteCount()).isEqualTo((long) a1.size() + b1.size() + a2.size() + b2.size());
		StoredEvent c1 = store.append("c", SseEvent.of(data));
		assertThat(store.eventCount()).isEqualTo(4);
		assertThat(store.byteCount()).isEqualTo((long) b1.size() + a2.size() + b2.size() + c1.size())
			.isLessThanOrEqualTo(bound);
		assertThat(store.readAfter("a", new EventId(a1.id().epoch(), 0), 10))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.EVICTED, a2.id()));
		assertThat(store.readAfter("b", new EventId(b1.id().epoch(), 0), 10)).isInstanceOf(ReadResult.Events.class);
		store.append("c", SseEvent.of(data));
		assertThat(store.readAfter("b", new EventId(b1.id().epoch(), 0), 10))
			.isInstanceOf(ReadResult.CannotServe.class);
		assertThat(((ReadResult.Events) store.readAfter("a", a1.id(), 10)).events()).extracting(StoredEvent::id)
			.containsExactly(a2.id());
		assertThat(store.evictions(EvictionReason.BYTES)).isEqualTo(2);
	}

	@Test
	void anEventLargerThanTheWholeStoreIsRejected() {
		InMemoryReplayStore store = new InMemoryReplayStore(100, 100, Duration.ofHours(1));
		assertThatIllegalArgumentException().isThrownBy(() -> store.append("s", SseEvent.of("x".repeat(200))))
			.withMessageContaining("sse.replay.store.max-bytes");
		assertThat(store.eventCount()).isZero();
	}

	@Test
	void countBoundIsCountedAsEviction() {
		InMemoryReplayStore store = new InMemoryReplayStore(2, 1 << 20, Duration.ofHours(1));
		appendMany(store, "s", 5);
		assertThat(store.eventCount()).isEqualTo(2);
		assertThat(store.evictions(EvictionReason.COUNT)).isEqualTo(3);
	}

	@Test
	void eventsExpireAfterTheirTimeToLive() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		EventId start = store.head("s");
		store.append("s", SseEvent.of("old"));
		clock.advance(Duration.ofSeconds(40));
		StoredEvent recent = store.append("s", SseEvent.of("recent"));
		clock.advance(Duration.ofSeconds(30));
		assertThat(store.readAfter("s", start, 10))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.EXPIRED, recent.id()));
		assertThat(((ReadResult.Events) store.readAfter("s", new EventId(start.epoch(), 1), 10)).events())
			.extracting(StoredEvent::id)
			.containsExactly(recent.id());
		clock.advance(Duration.ofSeconds(31));
		store.housekeep();
		assertThat(store.eventCount()).isZero();
		assertThat(store.byteCount()).isZero();
		assertThat(store.evictions(EvictionReason.EXPIRED)).isEqualTo(2);
	}

	@Test
	void idleStreamsAreRemovedAndComeBackInANewEpoch() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		StoredEvent first = store.append("s", SseEvent.of("x"));
		store.housekeep();
		assertThat(store.streamCount()).isEqualTo(1);
		clock.advance(Duration.ofMinutes(2));
		store.housekeep();
		assertThat(store.streamCount()).isZero();
		StoredEvent again = store.append("s", SseEvent.of("y"));
		assertThat(again.id().epoch()).isNotEqualTo(first.id().epoch());
		assertThat(store.readAfter("s", first.id(), 10))
			.isEqualTo(new ReadResult.CannotServe(ResyncReason.OTHER_EPOCH, again.id()));
	}

	@Test
	void aQuietStreamKeepsItsPositionForTheTimeToLiveAfterItsLastConnectionLeft() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		AtomicBoolean connected = new AtomicBoolean(true);
		store.retainWhile((stream) -> connected.get());
		StoredEvent only = store.append("s", SseEvent.of("x"));
		// The event expires while its client is connected; then the client leaves.
		clock.advance(Duration.ofSeconds(70));
		store.housekeep();
		connected.set(false);
		clock.advance(Duration.ofSeconds(2));
		store.housekeep();
		// It comes back with the id of the event it had: nothing was missed.
		assertThat(store.readAfter("s", only.id(), 10)).isEqualTo(new ReadResult.Events(List.of(), only.id()));
		clock.advance(Duration.ofSeconds(59));
		store.housekeep();
		assertThat(store.streamCount()).isZero();
	}

	@Test
	void aStreamThatNeverHadEventsLeavesNothingBehindOnceUnused() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		store.head("read-only");
		store.housekeep();
		assertThat(store.streamCount()).isZero();
	}

	@Test
	void streamsInUseKeepTheirEpochWithoutEvents() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		store.retainWhile("watched"::equals);
		EventId watched = store.head("watched");
		store.head("unwatched");
		clock.advance(Duration.ofMinutes(2));
		store.housekeep();
		assertThat(store.streamCount()).isEqualTo(1);
		assertThat(store.head("watched")).isEqualTo(watched);
	}

	@Test
	void invalidStreamNamesAreRejected() {
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1));
		for (String name : List.of("", "has space", "x".repeat(129), "slash/es", "new\nline")) {
			assertThatIllegalArgumentException().isThrownBy(() -> store.append(name, SseEvent.of("x")))
				.withMessageContaining("Invalid stream name");
		}
		assertThat(store.append("Aa0._:-" + "x".repeat(121), SseEvent.of("ok")).sequence()).isEqualTo(1);
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
