package dev.ssereplay.store.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import org.springframework.data.redis.RedisConnectionFailureException;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * Whether Redis answers, as the outcome of the store's calls tells: whether the
 * connection is up, whether Redis as a whole answers, and on Redis Cluster
 * whether each master does, judged on its own. After a failure that shows a node
 * does not answer (a server still loading its data, a cluster that is down, no
 * connection to be had, or a timeout that a PING sent after it confirms), calls
 * to it fail at once for a second, then one call at a time goes through to find
 * out whether it is back; a call that succeeds makes it reachable again. So an
 * outage costs callers an exception rather than a timeout each. A master that
 * fails also makes the client read the cluster's topology again, so that a
 * replica promoted in its place is used.
 * <p>
 * One command that times out is not an outage by itself: Redis may have been
 * busy with that command, or with another client's, and answer the next one at
 * once. Calls go on while a PING finds out, and only a PING that is not answered
 * within the timeout either makes the node's calls fail fast.
 * <p>
 * Thread-safe: the state is volatile or atomic.
 */
final class NodeHealth {

	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Supplier<Set<String>> currentMasters;

	private final Runnable masterFailed;

	private final Function<String, CompletableFuture<Void>> probe;

	private final LongSupplier nanoClock;

	// Redis itself; on Redis Cluster, whether a connection can be had at all.
	private final Node server;

	// Redis Cluster only: each master's, by node id.
	private final Map<String, Node> masters = new ConcurrentHashMap<>();

	private volatile boolean connected = true;

	/**
	 * Creates the health of one Redis or Redis Cluster.
	 * @param currentMasters the ids of the masters that hold slots, as the client
	 * sees the cluster now; empty off a cluster
	 * @param masterFailed called when a master is found not to answer
	 * @param probe sends a PING to the master with the given node id, or to Redis
	 * as a whole for {@code null}, and completes when it is answered or fails
	 * when it is not within the timeout
	 */
	NodeHealth(Supplier<Set<String>> currentMasters, Runnable masterFailed,
			Function<String, CompletableFuture<Void>> probe) {
		this(currentMasters, masterFailed, probe, System::nanoTime);
	}

	NodeHealth(Supplier<Set<String>> currentMasters, Runnable masterFailed,
			Function<String, CompletableFuture<Void>> probe, LongSupplier nanoClock) {
		this.currentMasters = currentMasters;
		this.masterFailed = masterFailed;
		this.probe = probe;
		this.nanoClock = nanoClock;
		this.server = new Node("Redis", null);
	}

	/**
	 * Returns the node that stands for Redis as a whole.
	 */
	Node server() {
		return this.server;
	}

	/**
	 * Checks Redis as a whole before a call.
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @throws StoreUnavailableException while calls fail fast
	 */
	void enter(String what) {
		this.server.enter(what);
	}

	/**
	 * Checks, on Redis Cluster, the master that holds a call's keys, as
	 * {@link #enter(String)} checked Redis as a whole.
	 * @param master the master, or {@code null} off a cluster
	 * @return the node that the call's outcome is reported to: the master, or
	 * Redis as a whole
	 * @throws StoreUnavailableException while calls to the master fail fast
	 */
	Node enter(String what, RedisClusterNode master) {
		if (master == null) {
			return this.server;
		}
		Node node = this.masters.computeIfAbsent(master.getNodeId(), (id) -> new Node(
				"the Redis Cluster master " + master.getUri().getHost() + ":" + master.getUri().getPort(), id));
		node.enter(what);
		return node;
	}

	/**
	 * Records that a call was answered: the connection is up, and Redis answers.
	 * @param target the node that answered
	 */
	void reachable(Node target) {
		this.connected = true;
		this.server.reachable();
		target.reachable();
	}

	/**
	 * Records that one node answered one of several calls sent together, before
	 * the outcome of the others is known.
	 */
	void answered(Node node) {
		node.reachable();
	}

	/**
	 * Records that a call found the connection down, and sent nothing.
	 */
	void connectionDown() {
		this.connected = false;
	}

	/**
	 * Records a failed call: when the failure shows that the node does not
	 * answer, calls to it fail fast for a second. A timeout of a node that
	 * answered so far shows it only once a PING is not answered either.
	 * @param target what the failure is reported to, or {@code null} for nothing
	 */
	void failed(Node target, RuntimeException ex) {
		if (target == null || !makesUnavailable(ex)) {
			return;
		}
		String failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
		if (ex instanceof RedisCommandTimeoutException && target.isReachable()) {
			target.probe(failure);
		}
		else {
			unavailable(target, failure, this.nanoClock.getAsLong());
		}
	}

	private void unavailable(Node target, String failure, long sinceNanos) {
		target.failed(failure, sinceNanos);
		if (target != this.server) {
			this.masterFailed.run();
		}
	}

	/**
	 * Whether the last call reached Redis, and on Redis Cluster, every master
	 * that holds slots now.
	 */
	boolean isReachable() {
		if (!this.connected || !this.server.isReachable()) {
			return false;
		}
		if (this.masters.isEmpty()) {
			return true;
		}
		// A master replaced since it failed is judged no more.
		this.masters.keySet().retainAll(this.currentMasters.get());
		for (Node master : this.masters.values()) {
			if (!master.isReachable()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a failure shows that Redis, or the master the call went to, does
	 * not answer, rather than that it refused this one call.
	 */
	static boolean makesUnavailable(RuntimeException ex) {
		if (ex instanceof RedisCommandTimeoutException) {
			return true;
		}
		if (ex instanceof RedisConnectionFailureException || ex instanceof RedisConnectionException) {
			// No connection could be made: making one again may take the connect timeout.
			return true;
		}
		if (!(ex instanceof RedisCommandExecutionException)) {
			// A connection lost meanwhile shows as the connection being down, which the
			// next call checks first.
			return false;
		}
		String message = String.valueOf(ex.getMessage());
		return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
				|| message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN");
	}

	/**
	 * Whether Redis, or one master of a Redis Cluster, answers: after a failure
	 * that shows it does not, calls fail at once for a second, then one goes
	 * through to find out whether it is back.
	 */
	final class Node {

		private final String name;

		// The master's node id; null for Redis as a whole.
		private final String nodeId;

		// 0 while it answers; otherwise when the next call may try it again.
		private final AtomicLong retryAtNanos = new AtomicLong();

		// Whether a PING is finding out whether it answers after a timeout.
		private final AtomicBoolean probing = new AtomicBoolean();

		private volatile long unavailableSinceNanos;

		private volatile String lastFailure;

		private Node(String name, String nodeId) {
			this.name = name;
			this.nodeId = nodeId;
		}

		private void enter(String what) {
			long retryAt = this.retryAtNanos.get();
			if (retryAt == 0) {
				return;
			}
			long now = NodeHealth.this.nanoClock.getAsLong();
			// One caller at a time finds out whether it is back; the others fail fast.
			if (now - retryAt < 0 || !this.retryAtNanos.compareAndSet(retryAt, now + RETRY_NANOS)) {
				long seconds = TimeUnit.NANOSECONDS.toSeconds(now - this.unavailableSinceNanos);
				throw new StoreUnavailableException("Could not " + what + ": " + this.name
						+ " has been unreachable for " + seconds + " s (" + this.lastFailure
						+ "); it is tried again every second", null);
			}
		}

		private void reachable() {
			if (this.retryAtNanos.get() != 0) {
				this.retryAtNanos.set(0);
			}
		}

		private void failed(String failure, long sinceNanos) {
			this.lastFailure = failure;
			long now = NodeHealth.this.nanoClock.getAsLong();
			if (this.retryAtNanos.getAndSet(now + RETRY_NANOS) == 0) {
				this.unavailableSinceNanos = sinceNanos;
			}
		}

		// Sends one PING at a time after a timeout: answered, nothing changes;
		// not answered, the node is unavailable since the timeout.
		private void probe(String failure) {
			if (!this.probing.compareAndSet(false, true)) {
				return;
			}
			long since = NodeHealth.this.nanoClock.getAsLong();
			CompletableFuture<Void> answered;
			try {
				answered = NodeHealth.this.probe.apply(this.nodeId);
			}
			catch (RuntimeException ex) {
				answered = CompletableFuture.failedFuture(ex);
			}
			answered.whenComplete((pong, thrown) -> {
				this.probing.set(false);
				if (thrown != null) {
					unavailable(this, failure + "; a PING was not answered either", since);
				}
			});
		}

		private boolean isReachable() {
			return this.retryAtNanos.get() == 0;
		}

	}

}
