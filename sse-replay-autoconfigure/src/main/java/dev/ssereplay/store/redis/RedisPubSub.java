package dev.ssereplay.store.redis;

/**
 * How the {@link RedisReplayStore} sends live events between instances. Every
 * instance of an application must use the same: messages of one kind never
 * reach subscriptions of the other.
 */
public enum RedisPubSub {

	/**
	 * {@link #SHARDED} when the Redis servers are version 7.0 or later, else
	 * {@link #CLASSIC}; decided once, when the store's first listener is added
	 * (the broker adds it at startup), or, when Redis cannot be reached then,
	 * when the store first publishes or subscribes.
	 * Instances that start while the servers are being upgraded from 6 to 7 may
	 * decide differently: name the kind during such an upgrade.
	 */
	AUTO,

	/**
	 * Sharded pub/sub ({@code SPUBLISH} and {@code SSUBSCRIBE}, Redis 7.0 or
	 * later): on Redis Cluster a live message goes to the node that holds its
	 * stream's slot only, not to every node, and each instance subscribes on the
	 * nodes of the streams it follows. Listening to every stream at once (a store
	 * whose listeners were added without {@code retainWhile}) is not possible.
	 */
	SHARDED,

	/**
	 * Classic pub/sub ({@code PUBLISH} and {@code SUBSCRIBE}): on Redis Cluster
	 * every message is sent to every node.
	 */
	CLASSIC

}
