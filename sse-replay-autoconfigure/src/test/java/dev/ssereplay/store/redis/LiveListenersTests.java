package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.DefaultMessage;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StoredEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How live messages become events for the listeners: decoded on the listener
 * thread in the order received, noted on their followed stream, and passed to
 * every listener even when one throws. Without Redis: messages are handed over
 * as the subscription would hand them.
 */
class LiveListenersTests {

	private final RedisKeys keys = new RedisKeys("test:");

	private final Map<String, FollowedStream> followed = new ConcurrentHashMap<>();

	private final LiveListeners listeners = new LiveListeners(this.keys, this.followed::get);

	private final List<StoredEvent> received = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.listeners.close();
	}

	@Test
	void aMessageIsPassedToEveryListenerAndOneThatThrowsIsCounted() {
		this.listeners.add((event) -> {
			throw new IllegalStateException("listener failed");
		});
		this.listeners.add(this.received::add);
		this.listeners.received(message("s", "1700000000000\nid: 16-1\ndata: a\n\n"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 1);
		StoredEvent event = this.received.get(0);
		assertThat(event.stream()).isEqualTo("s");
		assertThat(event.id()).isEqualTo(new EventId(42, 1));
		assertThat(event.timestamp()).isEqualTo(1700000000000L);
		assertThat(new String(event.frame(), StandardCharsets.UTF_8)).isEqualTo("id: 16-1\ndata: a\n\n");
		assertThat(this.listeners.failures()).isEqualTo(1);
	}

	@Test
	void aMessageNotOfThisStoreIsIgnoredAndTheNextOneStillArrives() {
		this.listeners.add(this.received::add);
		this.listeners.received(new DefaultMessage(bytes("other:{s}:live"), bytes("1\nid: 16-1\n\n")));
		this.listeners.received(message("s", "garbage"));
		this.listeners.received(message("s", "1\nid: 16-2\ndata: b\n\n"));
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.received.isEmpty());
		// One thread, in the order received: the two before were dropped, not late.
		assertThat(this.received).extracting(StoredEvent::id).containsExactly(new EventId(42, 2));
		assertThat(this.listeners.failures()).isZero();
	}

	@Test
	void aMessageOfAFollowedStreamIsNotedAsDelivered() {
		FollowedStream state = new FollowedStream(new EventId(42, 0));
		this.followed.put("s", state);
		this.listeners.add(this.received::add);
		this.listeners.received(message("s", "1\nid: 16-1\n\n"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 1);
		assertThat(state.lagsBehind(new EventId(42, 1))).isFalse();
		assertThat(state.lagsBehind(new EventId(42, 1))).isFalse();
	}

	@Test
	void aRedeliveredEventComesAfterTheMessagesReceivedBefore() {
		this.listeners.add(this.received::add);
		this.listeners.received(message("s", "1\nid: 16-1\n\n"));
		StoredEvent again = new StoredEvent("s", new EventId(42, 1), null, bytes("id: 16-1\n\n"), 1, false);
		this.listeners.redeliver(again);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
		assertThat(this.received.get(0).id()).isEqualTo(new EventId(42, 1));
		assertThat(this.received.get(1)).isSameAs(again);
	}

	private DefaultMessage message(String stream, String body) {
		return new DefaultMessage(this.keys.channel(stream), bytes(body));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
