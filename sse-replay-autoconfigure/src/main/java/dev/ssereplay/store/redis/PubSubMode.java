package dev.ssereplay.store.redis;

import java.util.Properties;
import java.util.function.Supplier;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * The kind of pub/sub the store uses, {@link RedisPubSub#AUTO} resolved from the
 * Redis servers' version the first time it is needed, and kept: every live
 * message this process publishes and every subscription it makes are of one
 * kind. Thread-safe.
 */
final class PubSubMode {

	private static final byte[] PUBLISH = RedisKeys.bytes("PUBLISH");

	private static final byte[] SPUBLISH = RedisKeys.bytes("SPUBLISH");

	private final RedisPubSub setting;

	private final Supplier<Properties> serverInfo;

	private volatile Boolean sharded;

	/**
	 * Creates the mode.
	 * @param setting the kind asked for
	 * @param serverInfo reads the {@code server} section of {@code INFO}: from the
	 * one server, or from every node of a cluster, with each node's keys
	 * prefixed by its address
	 */
	PubSubMode(RedisPubSub setting, Supplier<Properties> serverInfo) {
		this.setting = setting;
		this.serverInfo = serverInfo;
		if (setting != RedisPubSub.AUTO) {
			this.sharded = setting == RedisPubSub.SHARDED;
		}
	}

	/**
	 * Whether live messages use sharded pub/sub.
	 * @throws StoreUnavailableException when the kind is {@link RedisPubSub#AUTO}
	 * and the servers' version could not be read yet
	 */
	boolean sharded() {
		Boolean known = this.sharded;
		if (known != null) {
			return known;
		}
		synchronized (this) {
			if (this.sharded == null) {
				this.sharded = shardedPubSubSupported(readServerInfo());
			}
			return this.sharded;
		}
	}

	/**
	 * The command the scripts publish live messages with: {@code PUBLISH} or
	 * {@code SPUBLISH}.
	 */
	byte[] publishCommand() {
		return sharded() ? SPUBLISH : PUBLISH;
	}

	/**
	 * The kind in use: {@link RedisPubSub#SHARDED} or {@link RedisPubSub#CLASSIC},
	 * deciding it now for {@link RedisPubSub#AUTO} when the servers can be read,
	 * or {@link RedisPubSub#AUTO} while they cannot.
	 */
	RedisPubSub inUse() {
		try {
			return sharded() ? RedisPubSub.SHARDED : RedisPubSub.CLASSIC;
		}
		catch (StoreUnavailableException ex) {
			return RedisPubSub.AUTO;
		}
	}

	/**
	 * The kind asked for.
	 */
	RedisPubSub setting() {
		return this.setting;
	}

	/**
	 * Whether every server named in an {@code INFO server} reply is Redis 7.0 or
	 * later; false when the reply names none.
	 */
	static boolean shardedPubSubSupported(Properties info) {
		boolean any = false;
		for (String name : info.stringPropertyNames()) {
			if (name.equals("redis_version") || name.endsWith(".redis_version")) {
				any = true;
				if (majorVersion(info.getProperty(name)) < 7) {
					return false;
				}
			}
		}
		return any;
	}

	private Properties readServerInfo() {
		try {
			Properties info = this.serverInfo.get();
			if (info == null) {
				throw new IllegalStateException("INFO server returned nothing");
			}
			return info;
		}
		catch (RuntimeException ex) {
			throw new StoreUnavailableException("Could not read the Redis version, which decides between sharded "
					+ "and classic pub/sub (sse.replay.redis.pub-sub is auto): " + ex.getMessage(), ex);
		}
	}

	private static int majorVersion(String version) {
		String major = version.trim();
		int dot = major.indexOf('.');
		if (dot >= 0) {
			major = major.substring(0, dot);
		}
		try {
			return Integer.parseInt(major);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
