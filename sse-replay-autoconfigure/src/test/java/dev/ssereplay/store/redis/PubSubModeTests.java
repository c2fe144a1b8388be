package dev.ssereplay.store.redis;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.ssereplay.store.StoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the kind of pub/sub is chosen: as set, or, for auto, from the version of
 * every server, read once.
 */
class PubSubModeTests {

	@Test
	void aNamedKindNeverReadsTheServers() {
		PubSubMode sharded = new PubSubMode(RedisPubSub.SHARDED, () -> {
			throw new AssertionError("read");
		});
		PubSubMode classic = new PubSubMode(RedisPubSub.CLASSIC, () -> {
			throw new AssertionError("read");
		});
		assertThat(sharded.sharded()).isTrue();
		assertThat(new String(sharded.publishCommand())).isEqualTo("SPUBLISH");
		assertThat(classic.sharded()).isFalse();
		assertThat(new String(classic.publishCommand())).isEqualTo("PUBLISH");
	}

	@Test
	void autoIsShardedFromRedis7OnAndReadsTheServersOnce() {
		AtomicInteger reads = new AtomicInteger();
		PubSubMode mode = new PubSubMode(RedisPubSub.AUTO, () -> {
			reads.incrementAndGet();
			return info("redis_version", "7.0.15");
		});
		assertThat(mode.sharded()).isTrue();
		assertThat(mode.sharded()).isTrue();
		assertThat(reads).hasValue(1);
		assertThat(PubSubMode.shardedPubSubSupported(info("redis_version", "6.2.14"))).isFalse();
		assertThat(PubSubMode.shardedPubSubSupported(info("redis_version", "8.2.1"))).isTrue();
	}

	@Test
	void onAClusterEveryNodeMustBeRedis7() {
		Properties nodes = info("127.0.0.1:7000.redis_version", "7.2.4");
		nodes.setProperty("127.0.0.1:7001.redis_version", "7.0.15");
		assertThat(PubSubMode.shardedPubSubSupported(nodes)).isTrue();
		nodes.setProperty("127.0.0.1:7002.redis_version", "6.2.14");
		assertThat(PubSubMode.shardedPubSubSupported(nodes)).isFalse();
		// A reply that names no version is not taken for Redis 7.
		assertThat(PubSubMode.shardedPubSubSupported(info("uptime_in_seconds", "5"))).isFalse();
	}

	@Test
	void autoWhileRedisCannotBeReachedFailsAndAsksAgainNextTime() {
		AtomicInteger reads = new AtomicInteger();
		PubSubMode mode = new PubSubMode(RedisPubSub.AUTO, () -> {
			if (reads.incrementAndGet() == 1) {
				throw new IllegalStateException("connection refused");
			}
			return info("redis_version", "6.2.0");
		});
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(mode::sharded)
			.withMessageContaining("sse.replay.redis.pub-sub")
			.withMessageContaining("connection refused");
		assertThat(mode.sharded()).isFalse();
		assertThat(reads).hasValue(2);
	}

	private static Properties info(String key, String value) {
		Properties info = new Properties();
		info.setProperty(key, value);
		return info;
	}

}
