package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The store's way to Redis through the application's connection factory: the
 * asynchronous commands of the factory's shared connection and whether it is up,
 * and on Redis Cluster, which master holds a key and which masters hold slots,
 * as the client last saw the cluster, and reading the cluster's topology again;
 * also the PING that finds whether Redis, or one master, answers again.
 * <p>
 * Thread-safe.
 */
final class RedisNodes {

	private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final LettuceConnectionFactory connectionFactory;

	// When Lettuce was last asked to read the cluster's topology again.
	private final AtomicLong refreshedAtNanos = new AtomicLong(System.nanoTime() - REFRESH_NANOS);

	RedisNodes(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * Returns a connection of the factory, to be closed after use; its commands
	 * travel on the factory's shared connection when it shares one.
	 */
	RedisConnection connection() {
		return this.connectionFactory.getConnection();
	}

	/**
	 * Whether every call uses the factory's one shared connection, so that
	 * commands sent one after another from one thread run in that order.
	 */
	boolean sharesConnection() {
		return this.connectionFactory.getShareNativeConnection();
	}

	/**
	 * Whether the factory connects to a Redis Cluster.
	 */
	boolean isCluster() {
		return this.connectionFactory.getNativeClient() instanceof RedisClusterClient;
	}

	/**
	 * Returns the master that holds a key, as the client last saw the cluster.
	 * Called with a connection, so that Lettuce knows the cluster already.
	 * @return the master, or {@code null} off a cluster or when no master is
	 * known for the key's slot
	 */
	RedisClusterNode masterOf(byte[] key) {
		if (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster) {
			return cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
		}
		return null;
	}

	/**
	 * Returns the masters that hold slots, as the client last saw the cluster.
	 * @return the masters, in no particular order; none off a cluster
	 */
	List<RedisClusterNode> masters() {
		List<RedisClusterNode> masters = new ArrayList<>();
		if (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster) {
			for (RedisClusterNode node : cluster.getPartitions()) {
				if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
					masters.add(node);
				}
			}
		}
		return masters;
	}

	/**
	 * Returns the node ids of {@link #masters()}.
	 */
	Set<String> masterIds() {
		Set<String> ids = new HashSet<>();
		for (RedisClusterNode master : masters()) {
			ids.add(master.getNodeId());
		}
		return ids;
	}

	/**
	 * Asks Lettuce to read the cluster's topology again, at most once a second:
	 * a master that does not answer may have died and be replaced by a replica,
	 * and Lettuce sends the commands for its slots to the new master once it
	 * knows, whatever the application's refresh settings.
	 */
	void refreshTopology() {
		long now = System.nanoTime();
		long last = this.refreshedAtNanos.get();
		if (now - last >= REFRESH_NANOS && this.refreshedAtNanos.compareAndSet(last, now)
				&& this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster) {
			cluster.refreshPartitionsAsync();
		}
	}

	/**
	 * Sends a PING to Redis, or on Redis Cluster to one master, without waiting
	 * for its answer, whatever the recent failures; reports nothing to the
	 * health, which asks for it.
	 * @param nodeId the master's node id, or {@code null} for Redis as a whole
	 * @param timeout how long Redis has to answer
	 * @return a future that completes when Redis answered, or fails when it did
	 * not within the timeout
	 */
	CompletableFuture<Void> probe(String nodeId, Duration timeout) {
		CompletableFuture<?> answered;
		try (RedisConnection connection = connection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
			if (nodeId != null && commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
				answered = pingMaster(cluster, nodeId);
			}
			else {
				answered = commands.ping().toCompletableFuture();
			}
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return answered.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).thenApply((pong) -> null);
	}

	/**
	 * Sends a PING to one master of a cluster, connecting to it first when
	 * needed, without waiting.
	 * @return a future that completes with the answer
	 */
	// The cluster connection, reached through a deprecated accessor, is what
	// connects to one node without blocking.
	@SuppressWarnings("deprecation")
	private static CompletableFuture<String> pingMaster(RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster,
			String nodeId) {
		return cluster.getStatefulConnection()
			.getConnectionAsync(nodeId)
			.thenCompose((node) -> node.async().ping().toCompletableFuture());
	}

	/**
	 * Closes a subscribing connection, which ends its subscription and releases
	 * it, unless it is gone already.
	 * @param connection the connection, or {@code null} for none
	 */
	static void closeSubscription(RedisConnection connection) {
		if (connection == null) {
			return;
		}
		try {
			connection.close();
		}
		catch (RuntimeException ex) {
			// The connection is gone already.
		}
	}

	/**
	 * Returns the asynchronous commands of a connection, keyed by bytes: a
	 * LettuceConnection's native connection is the asynchronous API of the
	 * factory's shared connection, or of a cluster connection.
	 */
	@SuppressWarnings("unchecked")
	static RedisClusterAsyncCommands<byte[], byte[]> commands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	/**
	 * Whether the connection behind a connection's commands is up; Lettuce would
	 * otherwise hold a command until it has reconnected, or the timeout. On Redis
	 * Cluster the shared connection is one per master, and whether the one
	 * Lettuce calls its default is up says nothing of the others: a master that
	 * cannot be reached is found by its commands timing out, so this answers
	 * {@code true}.
	 */
	// Spring Data Redis hands out only the commands of its shared connection; their
	// stateful connection, reached through a deprecated accessor, is what knows
	// whether the connection is up.
	@SuppressWarnings("deprecation")
	static boolean isOpen(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection().isOpen();
		}
		return true;
	}

	/**
	 * Reads the {@code server} section of {@code INFO}: from the one server, or
	 * from every node of a cluster, each node's keys prefixed by its address.
	 */
	static Properties serverInfo(RedisConnectionFactory connectionFactory) {
		try (RedisConnection connection = connectionFactory.getConnection()) {
			return connection.serverCommands().info("server");
		}
	}

}
