package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.ReplayStoreContractTests;

/**
 * The store contract for {@link RedisReplayStore}, against a private Redis
 * server. Each store gets a key prefix of its own; a restart flushes the server,
 * as a Redis without persistence that restarted would be, and opens a new store
 * over it.
 */
class RedisReplayStoreContractTests extends ReplayStoreContractTests {

	private static final AtomicInteger stores = new AtomicInteger();

	private final List<RedisReplayStore> restarted = new ArrayList<>();

	private static RedisTestServer redis;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startRedis() {
		redis = RedisTestServer.start();
		connectionFactory = redis.connectionFactory();
	}

	@AfterAll
	static void stopRedis() {
		connectionFactory.destroy();
		redis.close();
	}

	@Override
	protected ReplayStore createStore(int maxEventsPerStream) {
		return create("contract-" + stores.incrementAndGet() + ":", maxEventsPerStream);
	}

	@Override
	protected ReplayStore restart(ReplayStore store) {
		redis.flushAll();
		RedisReplayStore restarted = create(((RedisReplayStore) store).keyPrefix(), 100);
		this.restarted.add(restarted);
		return restarted;
	}

	@Override
	protected void dispose(ReplayStore store) {
		((RedisReplayStore) store).close();
	}

	@AfterEach
	void disposeRestarted() {
		this.restarted.forEach(RedisReplayStore::close);
	}

	private static RedisReplayStore create(String prefix, int maxEventsPerStream) {
		return RedisReplayStore.builder(connectionFactory)
				.keyPrefix(prefix)
				.maxEventsPerStream(maxEventsPerStream)
				.timeToLive(Duration.ofHours(1))
				.commandTimeout(Duration.ofSeconds(10))
				.pubSub(RedisPubSub.CLASSIC)
				.build();
	}

}
