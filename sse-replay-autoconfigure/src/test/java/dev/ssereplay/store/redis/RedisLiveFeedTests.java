package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the live feed tells a lost last message from one still on its way, and
 * passes it on from the history. Without Redis: the history is an in-memory
 * store, and the connection factory is never started, so the feed never
 * subscribes.
 */
class RedisLiveFeedTests {

	private static final long EPOCH = 42;

	@Test
	void aLivePathThatReachedTheHeadIsNotBehind() {
		FollowedStream tracked = new FollowedStream(id(3));
		assertThat(tracked.lagsBehind(id(3))).isFalse();
		assertThat(tracked.lagsBehind(id(3))).isFalse();
		tracked.received(id(4));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(tracked.lagsBehind(id(4))).isFalse();
	}

	@Test
	void onePassBehindIsAMessageOnItsWayAndTwoAreALostOne() {
		FollowedStream tracked = new FollowedStream(id(3));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(tracked.lagsBehind(id(4))).isTrue();
	}

	@Test
	void aMessageThatArrivesBetweenTwoPassesIsNotLost() {
		FollowedStream tracked = new FollowedStream(id(3));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		tracked.received(id(4));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
	}

	@Test
	void aLivePathThatMovesOnButNotToTheHeadIsBehindFromWhereItWas() {
		FollowedStream tracked = new FollowedStream(id(3));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		tracked.received(id(4));
		// It reached what was the head at the last pass: behind for one pass only.
		assertThat(tracked.lagsBehind(id(6))).isFalse();
		assertThat(tracked.lagsBehind(id(6))).isTrue();
	}

	@Test
	void afterReportingALagItWaitsTwoPassesAgain() {
		FollowedStream tracked = new FollowedStream(id(3));
		tracked.lagsBehind(id(4));
		assertThat(tracked.lagsBehind(id(4))).isTrue();
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(tracked.lagsBehind(id(4))).isTrue();
	}

	@Test
	void anOlderMessageDoesNotMoveTheLivePathBack() {
		FollowedStream tracked = new FollowedStream(id(3));
		tracked.received(id(5));
		tracked.received(id(4));
		assertThat(tracked.lagsBehind(id(5))).isFalse();
		assertThat(tracked.lagsBehind(id(5))).isFalse();
	}

	@Test
	void aNewLifetimeIsBehindUntilItsFirstMessageArrives() {
		FollowedStream tracked = new FollowedStream(id(7));
		EventId other = new EventId(EPOCH + 1, 1);
		assertThat(tracked.lagsBehind(other)).isFalse();
		assertThat(tracked.lagsBehind(other)).isTrue();
		tracked.received(other);
		assertThat(tracked.lagsBehind(other)).isFalse();
		assertThat(tracked.lagsBehind(other)).isFalse();
	}

	@Test
	void aLostLastMessageIsPassedOnFromTheHistoryAtTheSecondPass() {
		InMemoryReplayStore history = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));
		RedisLiveFeed feed = new RedisLiveFeed(new LettuceConnectionFactory(), new RedisKeys("test:"),
				Duration.ofSeconds(1), new PubSubMode(RedisPubSub.CLASSIC, Properties::new), history);
		try {
			List<StoredEvent> received = new CopyOnWriteArrayList<>();
			feed.addListener(received::add);
			feed.followWhile("s"::equals);
			feed.follow("s", history.head("s"));
			feed.follow("other", history.head("other"));
			assertThat(feed.followedStreams()).containsExactly("s");
			history.append("s", SseEvent.of("first"));
			StoredEvent last = history.append("s", SseEvent.of("last"));
			feed.checkHead("s", last.id());
			assertThat(received).isEmpty();
			feed.checkHead("s", last.id());
			await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
			assertThat(received.get(0).id()).isEqualTo(last.id());
			assertThat(received.get(0).frame()).isEqualTo(last.frame());
			feed.checkHead("s", last.id());
			feed.checkHead("s", last.id());
			assertThat(received).hasSize(1);
		}
		finally {
			feed.close();
		}
	}

	@Test
	void aStreamWithoutSubscribersHereIsLetGo() {
		InMemoryReplayStore history = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));
		RedisLiveFeed feed = new RedisLiveFeed(new LettuceConnectionFactory(), new RedisKeys("test:"),
				Duration.ofSeconds(1), new PubSubMode(RedisPubSub.CLASSIC, Properties::new), history);
		try {
			List<String> inUse = new CopyOnWriteArrayList<>(List.of("a", "b"));
			feed.followWhile(inUse::contains);
			feed.follow("a", history.head("a"));
			feed.follow("b", history.head("b"));
			assertThat(feed.followedStreams()).containsExactlyInAnyOrder("a", "b");
			inUse.remove("a");
			assertThat(feed.followedStreams()).containsExactly("b");
			inUse.add("a");
			assertThat(feed.followedStreams()).containsExactly("b");
		}
		finally {
			feed.close();
		}
	}

	@Test
	void aNewStreamIsTouchedAtTheFirstPassAndThenOnlyWhenSomethingIsDue() {
		FollowedStream tracked = new FollowedStream(id(3));
		long start = 1_000 * SECOND;
		assertThat(due(tracked, start)).isTrue();
		tracked.touched(start, HOUR);
		assertThat(tracked.lagsBehind(id(3))).isFalse();
		assertThat(due(tracked, start + SECOND)).isFalse();
		assertThat(due(tracked, start + 29 * SECOND)).isFalse();
		assertThat(due(tracked, start + 30 * SECOND)).as("the safety check").isTrue();
	}

	@Test
	void aStreamWithLiveMessagesIsTouchedAtEveryPassForAWhile() {
		FollowedStream tracked = touchedAt(1_000 * SECOND);
		long message = 1_010 * SECOND;
		tracked.appended(message);
		assertThat(due(tracked, message + SECOND)).isTrue();
		tracked.touched(message + SECOND, HOUR);
		assertThat(due(tracked, message + 2 * SECOND)).isTrue();
		tracked.touched(message + 2 * SECOND, HOUR);
		assertThat(due(tracked, message + 3 * SECOND)).isFalse();
	}

	@Test
	void aStreamBehindIsTouchedAgainAtTheNextPass() {
		FollowedStream tracked = touchedAt(1_000 * SECOND);
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(due(tracked, 1_001 * SECOND)).isTrue();
	}

	@Test
	void aShortTimeToLiveIsKeptByEveryPassAndALongOneByHalfOfIt() {
		long start = 1_000 * SECOND;
		FollowedStream shortLived = touchedAt(start, 500 * MILLI);
		assertThat(dueKeeping(shortLived, start + MILLI, 500 * MILLI)).isTrue();
		FollowedStream unused = touchedAt(start, 60 * SECOND);
		assertThat(dueKeeping(unused, start + 28 * SECOND, HOUR)).isFalse();
		assertThat(dueKeeping(unused, start + 29 * SECOND, HOUR)).isTrue();
		// An append seen keeps the stream for the time to live from then on.
		unused.appended(start + 20 * SECOND);
		unused.touched(start + 25 * SECOND, 60 * SECOND);
		assertThat(dueKeeping(unused, start + 54 * SECOND, 80 * SECOND)).isFalse();
		assertThat(dueKeeping(unused, start + 59 * SECOND, 80 * SECOND)).isTrue();
	}

	@Test
	void aReadOfAnotherLifetimeOrAFailedTouchMakesTheStreamDue() {
		FollowedStream tracked = touchedAt(1_000 * SECOND);
		tracked.read(id(5));
		assertThat(due(tracked, 1_001 * SECOND)).isFalse();
		tracked.read(new EventId(EPOCH + 1, 0));
		assertThat(due(tracked, 1_001 * SECOND)).isTrue();
		assertThat(due(tracked, 1_001 * SECOND)).as("touched, unless that fails").isFalse();
		tracked.touchAgain();
		assertThat(due(tracked, 1_001 * SECOND)).isTrue();
	}

	private static final long MILLI = 1_000_000L;

	private static final long SECOND = 1_000 * MILLI;

	private static final long HOUR = 3_600 * SECOND;

	private static FollowedStream touchedAt(long at) {
		return touchedAt(at, HOUR);
	}

	private static FollowedStream touchedAt(long at, long keeps) {
		FollowedStream tracked = new FollowedStream(id(3));
		assertThat(due(tracked, at)).isTrue();
		tracked.touched(at, keeps);
		return tracked;
	}

	private static boolean due(FollowedStream tracked, long now) {
		return dueKeeping(tracked, now, HOUR);
	}

	private static boolean dueKeeping(FollowedStream tracked, long now, long timeToLive) {
		return tracked.due(now, timeToLive, 3 * SECOND, 30 * SECOND, 1_500 * MILLI);
	}

	private static EventId id(long sequence) {
		return new EventId(EPOCH, sequence);
	}

}
