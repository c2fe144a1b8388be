package dev.ssereplay.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.Position;
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

	private static long retained(StoredEvent... events) {
		long sum = 0;
		for (StoredEvent event : events) {
			sum += RetainedEvents.size(event);
		}
		return sum;
	}

	@Test
	void byteBoundRemovesTheOldestEventsOfTheWholeProcess() {
		// Events of about 1,030 bytes of frame (the random epoch varies the id by a
		// byte or two) and their overhead: four fit in the bound beside the three
		// streams, five do not.
		String data = "x".repeat(1000);
		long streams = RetainedEvents.streamSize("a") * 3;
		long overhead = RetainedEvents.size(new StoredEvent("a", new EventId(1, 1), null, new byte[0], 0));
		long bound = streams + 4 * (1040 + overhead);
		InMemoryReplayStore store = new InMemoryReplayStore(100, bound, Duration.ofHours(1));
		StoredEvent a1 = store.append("a", SseEvent.of(data));
		StoredEvent b1 = store.append("b", SseEvent.of(data));
		StoredEvent a2 = store.append("a", SseEvent.of(data));
		StoredEvent b2 = store.append("b", SseEvent.of(data));
		assertThat(store.eventCount()).isEqualTo(4);
		assertThat(store.byteCount()).isEqualTo(streams * 2 / 3 + retained(a1, b1, a2, b2));
		StoredEvent c1 = store.append("c", SseEvent.of(data));
		assertThat(store.eventCount()).isEqualTo(4);
		assertThat(store.byteCount()).isEqualTo(streams + retained(b1, a2, b2, c1)).isLessThanOrEqualTo(bound);
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
	void anIdempotencyKeyIsRememberedForTheTimeToLiveEvenAfterItsEventIsEvicted() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(2, 1 << 20, Duration.ofMinutes(1), clock);
		IdempotencyKey key = new IdempotencyKey("k");
		IdempotentAppend first = store.appendOnce("s", SseEvent.of("a"), key);
		appendMany(store, "s", 2);
		clock.advance(Duration.ofSeconds(59));
		assertThat(store.appendOnce("s", SseEvent.of("a"), key)).isEqualTo(new IdempotentAppend(first.id(), true));
		clock.advance(Duration.ofSeconds(2));
		IdempotentAppend late = store.appendOnce("s", SseEvent.of("a"), key);
		assertThat(late.repeated()).isFalse();
		assertThat(late.id().sequence()).isEqualTo(4);
	}

	@Test
	void aStreamRemembersAtMostAsManyKeysAsItKeepsEvents() {
		InMemoryReplayStore store = new InMemoryReplayStore(3, 1 << 20, Duration.ofMinutes(1));
		for (int i = 1; i <= 4; i++) {
			store.appendOnce("s", SseEvent.of("e"), new IdempotencyKey("k" + i));
		}
		// The three newest are remembered, the oldest of them too when it is retried.
		assertThat(store.appendOnce("s", SseEvent.of("e"), new IdempotencyKey("k2")).repeated()).isTrue();
		assertThat(store.appendOnce("s", SseEvent.of("e"), new IdempotencyKey("k4")).repeated()).isTrue();
		assertThat(store.appendOnce("s", SseEvent.of("e"), new IdempotencyKey("k1")).repeated()).isFalse();
	}

	@Test
	void idempotencyKeysCountTowardsTheByteBoundAndReturnTheirBytes() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		InMemoryReplayStore plain = new InMemoryReplayStore(100, 1 << 20, Duration.ofMinutes(1), clock);
		String key = "a-key-of-some-length";
		store.appendOnce("s", SseEvent.of("e"), new IdempotencyKey(key));
		plain.append("s", SseEvent.of("e"));
		assertThat(store.byteCount() - plain.byteCount()).isGreaterThan(key.length() + 100L);
		clock.advance(Duration.ofSeconds(61));
		store.housekeep();
		clock.advance(Duration.ofSeconds(61));
		store.housekeep();
		assertThat(store.streamCount()).isZero();
		assertThat(store.byteCount()).isZero();
	}

	@Test
	void theByteBoundHoldsForWhatIsReallyRetainedWithManySmallStreams() {
		long bound = 16L * 1024 * 1024;
		InMemoryReplayStore store = new InMemoryReplayStore(100, bound, Duration.ofHours(1));
		long before = usedHeapAfterGc();
		for (int i = 0; i < 200_000; i++) {
			store.append("user." + i, SseEvent.of("hi"));
		}
		long retained = usedHeapAfterGc() - before;
		assertThat(store.byteCount()).isLessThanOrEqualTo(bound);
		assertThat(store.evictions(EvictionReason.BYTES)).isPositive();
		// The estimate may be off by some, never by the factor of 18 that frame
		// bytes alone were.
		assertThat(retained).as("heap retained by the store").isLessThan(2 * bound);
		assertThat(store.streamCount()).isLessThan(200_000);
	}

	private static long usedHeapAfterGc() {
		java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	@Test
	void aListenerThatThrowsIsCountedAndTheOthersAreStillCalled() {
		InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));
		List<StoredEvent> heard = new java.util.ArrayList<>();
		store.addListener((event) -> {
			throw new IllegalStateException("broken listener");
		});
		store.addListener(heard::add);
		StoredEvent event = store.append("s", SseEvent.of("x"));
		assertThat(heard).containsExactly(event);
		assertThat(store.listenerFailures()).isEqualTo(1);
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

	@Test
	void endedAndDeletedStreamsReturnAllTheirMemory() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(1000, 1 << 26, Duration.ofMinutes(10), clock);
		for (int i = 0; i < 300; i++) {
			String stream = "answer-" + i;
			for (int token = 0; token < 20; token++) {
				store.append(stream, SseEvent.of("token " + token));
			}
			if (i % 3 == 0) {
				store.complete(stream, SseEvent.of("end"), Duration.ofSeconds(5));
			}
			else if (i % 3 == 1) {
				store.complete(stream, SseEvent.of("end"), null);
			}
			else {
				store.delete(stream, SseEvent.of("gone"));
			}
		}
		assertThat(store.streamCount()).isEqualTo(300);
		// Deleted streams hold no events, only their position.
		assertThat(store.eventCount()).isEqualTo(200 * 21);
		clock.advance(Duration.ofSeconds(6));
		store.housekeep();
		// Those completed with a shorter retention are gone with their position.
		assertThat(store.streamCount()).isEqualTo(200);
		assertThat(store.eventCount()).isEqualTo(100 * 21);
		assertThat(store.status("answer-0").hasEnded()).isFalse();
		clock.advance(Duration.ofMinutes(10));
		store.housekeep();
		assertThat(store.streamCount()).isZero();
		assertThat(store.eventCount()).isZero();
		assertThat(store.byteCount()).isZero();
	}

	@Test
	void aCompletedStreamWithAShorterRetentionStartsAgainOnceItIsGone() {
		MutableClock clock = new MutableClock();
		InMemoryReplayStore store = new InMemoryReplayStore(1000, 1 << 20, Duration.ofMinutes(10), clock);
		StoredEvent last = store.complete("job", SseEvent.of("end"), Duration.ofSeconds(1));
		assertThat(store.status("job").isOverFor(Position.after(last.id()))).isTrue();
		clock.advance(Duration.ofSeconds(2));
		store.housekeep();
		StoredEvent next = store.append("job", SseEvent.of("again"));
		assertThat(next.id().epoch()).isNotEqualTo(last.id().epoch());
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
