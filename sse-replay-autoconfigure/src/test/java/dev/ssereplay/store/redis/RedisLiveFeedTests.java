package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.List;
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
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(3));
		assertThat(tracked.lagsBehind(id(3))).isFalse();
		assertThat(tracked.lagsBehind(id(3))).isFalse();
		tracked.received(id(4));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(tracked.lagsBehind(id(4))).isFalse();
	}

	@Test
	void onePassBehindIsAMessageOnItsWayAndTwoAreALostOne() {
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(3));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(tracked.lagsBehind(id(4))).isTrue();
	}

	@Test
	void aMessageThatArrivesBetweenTwoPassesIsNotLost() {
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(3));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		tracked.received(id(4));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
	}

	@Test
	void aLivePathThatMovesOnButNotToTheHeadIsBehindFromWhereItWas() {
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(3));
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		tracked.received(id(4));
		// It reached what was the head at the last pass: behind for one pass only.
		assertThat(tracked.lagsBehind(id(6))).isFalse();
		assertThat(tracked.lagsBehind(id(6))).isTrue();
	}

	@Test
	void afterReportingALagItWaitsTwoPassesAgain() {
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(3));
		tracked.lagsBehind(id(4));
		assertThat(tracked.lagsBehind(id(4))).isTrue();
		assertThat(tracked.lagsBehind(id(4))).isFalse();
		assertThat(tracked.lagsBehind(id(4))).isTrue();
	}

	@Test
	void anOlderMessageDoesNotMoveTheLivePathBack() {
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(3));
		tracked.received(id(5));
		tracked.received(id(4));
		assertThat(tracked.lagsBehind(id(5))).isFalse();
		assertThat(tracked.lagsBehind(id(5))).isFalse();
	}

	@Test
	void aNewLifetimeIsBehindUntilItsFirstMessageArrives() {
		RedisLiveFeed.Tracked tracked = new RedisLiveFeed.Tracked(id(7));
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
				Duration.ofSeconds(1), history);
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
				Duration.ofSeconds(1), history);
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

	private static EventId id(long sequence) {
		return new EventId(EPOCH, sequence);
	}

}
