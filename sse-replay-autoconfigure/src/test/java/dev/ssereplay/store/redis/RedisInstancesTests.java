package dev.ssereplay.store.redis;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.event.EventId;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;
import dev.ssereplay.web.SseReplay;

import static dev.ssereplay.store.redis.AppInstances.WAIT;
import static dev.ssereplay.store.redis.AppInstances.get;
import static dev.ssereplay.store.redis.AppInstances.pause;
import static dev.ssereplay.store.redis.AppInstances.post;
import static dev.ssereplay.store.redis.AppInstances.publish;
import static dev.ssereplay.store.redis.AppInstances.subscribe;
import static dev.ssereplay.store.redis.AppInstances.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application, on two ports, sharing one Redis: whichever
 * instance a client publishes to or reconnects to, it sees one history in one
 * dense order, exactly once, or is told with a resync; across a lost live
 * message, a flushed Redis and a Redis that was down.
 */
class RedisInstancesTests {

	private static RedisTestServer redis;

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void startInstances() {
		redis = RedisTestServer.startPersistent();
		a = instance();
		b = instance();
	}

	@AfterAll
	static void stopInstances() {
		if (a != null) {
			a.close();
		}
		if (b != null) {
			b.close();
		}
		redis.close();
	}

	@Test
	void eventsPublishedOnEitherInstanceReachSubscribersOfBothInOneDenseOrder() {
		try (SseTestClient onA = subscribe(a, "together", null); SseTestClient onB = subscribe(b, "together", null)) {
			List<String> published = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				published.add(publish((i % 2 == 0) ? a : b, "together", "event " + i));
			}
			for (SseTestClient client : List.of(onA, onB)) {
				List<Block> events = client.events(20, WAIT);
				assertThat(events).extracting(Block::id).containsExactlyElementsOf(published);
				assertThat(events).extracting(Block::sequence)
					.containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
				assertThat(events).extracting(Block::data)
					.containsExactlyElementsOf(LongStream.range(0, 20).mapToObj((i) -> "event " + i).toList());
			}
		}
		assertThat(get(a, "/actuator/health")).contains("sseReplayRedis");
	}

	@Test
	void aClientCutOffFromOneInstanceResumesOnTheOtherExactlyOnceInOrder() throws Exception {
		int total = 300;
		Map<Long, String> published = new ConcurrentHashMap<>();
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		List<String> received = new ArrayList<>();
		SseTestClient first = subscribe(a, "failover", null);
		try {
			Future<?> publishing = publisher.submit(() -> {
				for (int i = 0; i < total; i++) {
					String id = publish((i % 2 == 0) ? a : b, "failover", "e" + i);
					published.put(EventId.parse(id).sequence(), "e" + i);
					pause(2);
				}
				return null;
			});
			List<Block> beforeCut = first.events(60, WAIT);
			assertThat(beforeCut).hasSize(60);
			beforeCut.forEach((block) -> received.add(block.data()));
			String lastEventId = beforeCut.get(beforeCut.size() - 1).id();
			// Cut off: the connection drops without a goodbye.
			first.close();
			// Publishers keep going on both instances while the client is away.
			pause(200);
			try (SseTestClient second = subscribe(b, "failover", lastEventId)) {
				List<Block> afterCut = second.events(total - 60, WAIT);
				afterCut.forEach((block) -> received.add(block.data()));
				publishing.get(60, TimeUnit.SECONDS);
				assertThat(afterCut).extracting(Block::sequence)
					.containsExactlyElementsOf(LongStream.rangeClosed(61, total).boxed().toList());
				assertThat(second.next(Duration.ofMillis(300), Block::hasData)).isNull();
			}
		}
		finally {
			first.close();
			publisher.shutdownNow();
		}
		assertThat(received).containsExactlyElementsOf(new TreeMap<>(published).values());
	}

	@Test
	void concurrentPublishersOnBothInstancesGetDenseUniqueSequences() throws Exception {
		int perPublisher = 40;
		int publishers = 4;
		ExecutorService pool = Executors.newFixedThreadPool(publishers);
		List<String> ids = Collections.synchronizedList(new ArrayList<>());
		try (SseTestClient watcher = subscribe(a, "busy", null)) {
			List<Future<?>> futures = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				ConfigurableApplicationContext instance = (p % 2 == 0) ? a : b;
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perPublisher; i++) {
						ids.add(publish(instance, "busy", "x"));
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			int total = publishers * perPublisher;
			List<EventId> parsed = ids.stream().map(EventId::parse).toList();
			assertThat(parsed).doesNotHaveDuplicates().hasSize(total);
			assertThat(parsed.stream().map(EventId::epoch).distinct()).hasSize(1);
			assertThat(parsed.stream().map(EventId::sequence).sorted().toList())
				.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
			assertThat(watcher.events(total, WAIT)).extracting(Block::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aStreamCompletedOnOneInstanceEndsOnBothAndEveryInstanceAnswersNoContent() {
		String first;
		String last;
		try (SseTestClient onA = subscribe(a, "finite", null); SseTestClient onB = subscribe(b, "finite", null)) {
			first = publish(a, "finite", "one");
			String second = publish(b, "finite", "two");
			HttpResponse<String> completed = post(b, "finite/complete", "");
			assertThat(completed.statusCode()).isEqualTo(200);
			last = completed.body();
			for (SseTestClient client : List.of(onA, onB)) {
				List<Block> events = client.events(3, WAIT);
				assertThat(events).extracting(Block::id).containsExactly(first, second, last);
				assertThat(events.get(2).event()).isEqualTo("complete");
				await().atMost(WAIT).until(client::ended);
			}
		}
		for (ConfigurableApplicationContext instance : List.of(a, b)) {
			try (SseTestClient again = SseTestClient.connect(uri(instance, "/streams/finite"), last)) {
				assertThat(again.status()).isEqualTo(204);
			}
			try (SseTestClient fresh = SseTestClient.connect(uri(instance, "/streams/finite"), null)) {
				assertThat(fresh.status()).isEqualTo(204);
			}
			try (SseTestClient late = SseTestClient.connect(uri(instance, "/streams/finite"), first)) {
				assertThat(late.status()).isEqualTo(200);
				assertThat(late.events(2, WAIT)).extracting(Block::id).endsWith(last);
				await().atMost(WAIT).until(late::ended);
			}
			assertThat(post(instance, "finite", "late").statusCode()).isEqualTo(409);
		}
	}

	@Test
	void aLostLiveMessageIsFilledFromTheStore() {
		LettuceConnectionFactory connectionFactory = a.getBean(LettuceConnectionFactory.class);
		try (SseTestClient client = subscribe(b, "hint", null)) {
			String first = publish(a, "hint", "first");
			assertThat(client.events(1, WAIT)).extracting(Block::id).containsExactly(first);
			// A hole: the next live message shows it, and the subscriber reads it.
			EventId silent = RedisReplayStoreTests.appendWithoutPublishing(connectionFactory, "sse-replay:", "hint",
					"silent");
			String third = publish(a, "hint", "third");
			List<Block> events = client.events(2, WAIT);
			assertThat(events).extracting(Block::id).containsExactly(silent.toString(), third);
			assertThat(events).extracting(Block::data).containsExactly("silent", "third");
			// No event follows: the instance notices the live path stayed behind.
			EventId last = RedisReplayStoreTests.appendWithoutPublishing(connectionFactory, "sse-replay:", "hint",
					"last");
			assertThat(client.events(1, WAIT)).extracting(Block::id).containsExactly(last.toString());
		}
	}

	@Test
	void aFlushedRedisIsAResyncNeverASilentGap() {
		String lastBeforeFlush;
		try (SseTestClient client = subscribe(a, "flushed", null)) {
			publish(a, "flushed", "one");
			lastBeforeFlush = publish(b, "flushed", "two");
			assertThat(client.events(2, WAIT)).extracting(Block::id).last().isEqualTo(lastBeforeFlush);
			redis.flushAll();
			String afterFlush = publish(b, "flushed", "three");
			assertThat(EventId.parse(afterFlush).epoch()).isNotEqualTo(EventId.parse(lastBeforeFlush).epoch());
			Block resync = client.next(WAIT, Block::hasData);
			assertThat(resync).isNotNull();
			assertThat(resync.event()).isEqualTo("resync");
			assertThat(resync.data()).contains("\"reason\":\"other-epoch\"");
		}
		try (SseTestClient reconnected = subscribe(b, "flushed", lastBeforeFlush)) {
			Block first = reconnected.next(WAIT, Block::hasData);
			assertThat(first).isNotNull();
			assertThat(first.event()).isEqualTo("resync");
			assertThat(first.data()).contains("\"reason\":\"other-epoch\"");
			String next = publish(a, "flushed", "four");
			assertThat(reconnected.events(1, WAIT)).extracting(Block::id).containsExactly(next);
		}
	}

	@Test
	void redisDownFailsPublishingKeepsSubscribersAndLosesNothing() {
		String first;
		try (SseTestClient client = subscribe(b, "outage", null)) {
			first = publish(a, "outage", "before 1");
			String second = publish(b, "outage", "before 2");
			assertThat(client.events(2, WAIT)).extracting(Block::id).containsExactly(first, second);
			redis.kill();
			try {
				for (ConfigurableApplicationContext instance : List.of(a, b)) {
					HttpResponse<String> refused = post(instance, "outage", "during");
					assertThat(refused.statusCode()).isEqualTo(503);
					assertThat(refused.body()).contains("append to stream 'outage'");
				}
				// The subscriber stays connected: heartbeats go on.
				assertThat(client.next(WAIT, Block::isComment)).isNotNull();
				assertThat(client.ended()).isFalse();
			}
			finally {
				redis.startAgain();
			}
			// Each instance publishes again once its connection is back.
			String third = await().atMost(WAIT)
				.until(() -> post(a, "outage", "after 1"), (response) -> response.statusCode() == 200)
				.body();
			String fourth = await().atMost(WAIT)
				.until(() -> post(b, "outage", "after 2"), (response) -> response.statusCode() == 200)
				.body();
			assertThat(EventId.parse(third)).isEqualTo(EventId.parse(second).next());
			List<Block> events = client.events(2, WAIT);
			assertThat(events).extracting(Block::id).containsExactly(third, fourth);
			assertThat(events).extracting(Block::data).containsExactly("after 1", "after 2");
			assertThat(client.next(Duration.ofMillis(300), Block::hasData)).isNull();
		}
		// What was stored before the outage is still there to resume from.
		try (SseTestClient resumed = subscribe(a, "outage", first)) {
			assertThat(resumed.events(3, WAIT)).extracting(Block::sequence).containsExactly(2L, 3L, 4L);
		}
	}

	private static ConfigurableApplicationContext instance() {
		return new SpringApplicationBuilder(StreamsApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.port(), "sse.replay.store.type=redis",
					"sse.replay.heartbeat.interval=500ms", "sse.replay.redis.command-timeout=1s",
					// The test's Redis writes every command to disk before it answers.
					"sse.replay.redis.keep-epoch-across-restarts=true",
					"management.endpoint.health.show-components=always")
			.run();
	}

	/**
	 * The smallest application that publishes and subscribes.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(StreamsController.class)
	static class StreamsApplication {

	}

	@RestController
	static class StreamsController {

		private final SseReplay sseReplay;

		StreamsController(SseReplay sseReplay) {
			this.sseReplay = sseReplay;
		}

		@GetMapping("/streams/{stream}")
		SseEmitter subscribe(@PathVariable String stream) {
			return this.sseReplay.subscribe(stream);
		}

		@PostMapping("/streams/{stream}")
		String publish(@PathVariable String stream, @RequestBody String data) {
			return this.sseReplay.publish(stream, data);
		}

		@PostMapping("/streams/{stream}/complete")
		String complete(@PathVariable String stream) {
			return this.sseReplay.complete(stream);
		}

	}

}
