package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * Runs the store's scripts on Lettuce's asynchronous API, so that every call has
 * the store's own timeout whatever the application configured for its other
 * Redis commands, and fails fast while Redis is unreachable.
 * <p>
 * Two cases of unreachable: while the connection is down (Lettuce reconnects by
 * itself), a call fails at once, before anything is sent, so the caller knows
 * nothing was done; it goes through again as soon as Lettuce has reconnected.
 * While the connection is up but Redis does not answer (a timeout, a server still
 * loading its data), calls fail at once for a second after a failure, then one
 * call at a time goes through to find out whether Redis is back. Either way an
 * outage costs publishers and readers an exception rather than a timeout each,
 * and threads that read history for subscribers are not held up.
 * <p>
 * On Redis Cluster each master is judged on its own: a master that does not
 * answer, or whose connection is down (which shows as a timeout there, since
 * Lettuce holds a master's commands while it reconnects), fails the calls on
 * the streams it holds, not those on the others, and makes Lettuce read the
 * cluster's topology again (at most once a second), so that the replica that
 * takes over from a master that died is used as soon as the cluster has
 * promoted it, whatever the application's refresh settings.
 * <p>
 * Thread-safe: the connection factory's shared connection is thread-safe, and
 * the availability state is volatile or atomic.
 */
final class ScriptRunner {

	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final String TIMEOUT_PROPERTY = "sse.replay.redis.command-timeout";

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	// Redis itself; on Redis Cluster, whether a connection can be had at all.
	private final Availability server = new Availability("Redis");

	// Redis Cluster only: each master's, by node id.
	private final Map<String, Availability> masters = new ConcurrentHashMap<>();

	// When Lettuce was last asked to read the cluster's topology again.
	private final AtomicLong refreshedAtNanos = new AtomicLong(System.nanoTime() - RETRY_NANOS);

	private volatile boolean connected = true;

	// Scripts that runAsync may send by digest: loaded into Redis, as far as known.
	private final Set<RedisScript> loaded = ConcurrentHashMap.newKeySet();

	ScriptRunner(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Runs a script on the keys of one stream.
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @return the script's reply
	 * @throws StoreUnavailableException when it did not run
	 */
	List<Object> run(RedisScript script, String what, byte[][] keys, byte[]... args) {
		this.server.enter(what);
		Availability target = this.server;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = connected(connection, what);
			target = enter(what, keys[0]);
			List<Object> reply = await(script, commands, evalsha(commands, script, keys, args), keys, args,
					System.nanoTime() + this.timeoutNanos);
			reachable(target);
			return reply;
		}
		catch (RuntimeException ex) {
			throw failed(what, ex, target);
		}
	}

	/**
	 * Sends a script on the keys of one stream without waiting for its reply.
	 * Scripts sent one after another from one thread run in that order: they
	 * travel on the factory's one shared connection (on Redis Cluster, on the
	 * connection to the master of their slot) and Redis runs a connection's
	 * commands in the order received. Unlike {@link #run}, a script that Redis no
	 * longer has is not sent again, which would put it after scripts sent since:
	 * the call fails, and the script is loaded before the next one is sent.
	 * <p>
	 * May block the caller for one round trip to load the script, the first time
	 * and after Redis lost it. The future completes on Lettuce's I/O thread, or on
	 * the JDK's delay thread when Redis did not answer within the timeout (the
	 * command is then cancelled unless it was written already).
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @return the script's reply, or a future failed with a
	 * {@link StoreUnavailableException}
	 */
	CompletableFuture<List<Object>> runAsync(RedisScript script, String what, byte[][] keys, byte[]... args) {
		CompletableFuture<List<Object>> reply = new CompletableFuture<>();
		RedisFuture<List<Object>> sent;
		Availability target = this.server;
		try {
			this.server.enter(what);
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				RedisClusterAsyncCommands<byte[], byte[]> commands = connected(connection, what);
				target = enter(what, keys[0]);
				if (!this.loaded.contains(script)) {
					LettuceFutures.awaitOrCancel(commands.scriptLoad(script.text()), this.timeoutNanos,
							TimeUnit.NANOSECONDS);
					this.loaded.add(script);
				}
				sent = evalsha(commands, script, keys, args);
			}
		}
		catch (RuntimeException ex) {
			reply.completeExceptionally(failed(what, ex, target));
			return reply;
		}
		Availability sentTo = target;
		// Cancelled, and so removed from the JDK's delay queue, when Redis answers.
		CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(this.timeoutNanos,
				TimeUnit.NANOSECONDS);
		timer.whenComplete((ignored, timeout) -> {
			if (timeout != null && !reply.isDone()) {
				sent.cancel(false);
				RedisCommandTimeoutException ex = new RedisCommandTimeoutException(
						"Command timed out after " + TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms");
				reply.completeExceptionally(failed(what, ex, sentTo));
			}
		});
		sent.whenComplete((value, failure) -> {
			timer.complete(null);
			if (reply.isDone()) {
				return;
			}
			if (failure == null) {
				reachable(sentTo);
				reply.complete(value);
			}
			else {
				reply.completeExceptionally(failedAsync(script, what, failure, sentTo));
			}
		});
		return reply;
	}

	/**
	 * Runs a script on the keys of many streams, pipelined.
	 * @return per set of keys, the reply, or the exception Redis answered for it;
	 * on Redis Cluster, a {@link StoreUnavailableException} for the keys of a
	 * master that could not be reached while others could
	 * @throws StoreUnavailableException when Redis could not be reached
	 */
	List<Object> runEach(RedisScript script, String what, List<byte[][]> keys, byte[]... args) {
		this.server.enter(what);
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = connected(connection, what);
			List<Availability> targets = new ArrayList<>(keys.size());
			// Per set of keys, the command sent, or why it was not.
			List<Object> sent = new ArrayList<>(keys.size());
			for (byte[][] streamKeys : keys) {
				Availability target = target(streamKeys[0]);
				targets.add(target);
				try {
					if (target != this.server) {
						target.enter(what);
					}
					sent.add(evalsha(commands, script, streamKeys, args));
				}
				catch (StoreUnavailableException ex) {
					sent.add(ex);
				}
			}
			long deadline = System.nanoTime() + this.timeoutNanos;
			List<Object> replies = new ArrayList<>(keys.size());
			StoreUnavailableException unavailable = null;
			boolean answered = false;
			for (int i = 0; i < sent.size(); i++) {
				Availability target = targets.get(i);
				if (sent.get(i) instanceof StoreUnavailableException ex) {
					replies.add(ex);
					unavailable = (unavailable != null) ? unavailable : ex;
					continue;
				}
				@SuppressWarnings("unchecked")
				RedisFuture<List<Object>> future = (RedisFuture<List<Object>>) sent.get(i);
				try {
					replies.add(await(script, commands, future, keys.get(i), args, deadline));
					target.reachable();
					answered = true;
				}
				catch (RuntimeException ex) {
					if (makesUnavailable(ex) && target != this.server) {
						// One master of a cluster: the others' replies still count.
						StoreUnavailableException failure = failed(what, ex, target);
						replies.add(failure);
						unavailable = (unavailable != null) ? unavailable : failure;
					}
					else if (ex instanceof RedisCommandExecutionException && !makesUnavailable(ex)) {
						replies.add(ex);
						answered = true;
					}
					else {
						throw ex;
					}
				}
			}
			if (!answered && unavailable != null) {
				throw unavailable;
			}
			reachable(this.server);
			return replies;
		}
		catch (RuntimeException ex) {
			throw failed(what, ex, this.server);
		}
	}

	/**
	 * Runs one step of a SCAN over the keys that match a pattern. On Redis
	 * Cluster the scan goes over every master in turn, in the order of the
	 * slots they hold, and the cursor names the master with its first slot:
	 * {@code <slot>-<cursor>}. A master that a replica replaced while paging is
	 * scanned on from the same cursor, which may list some keys twice or miss
	 * some.
	 * @param cursor where to go on: "0" for the start
	 * @return the cursor of the next step ("0" after the last) and the keys found
	 * @throws IllegalArgumentException when the cursor is not one this method
	 * returned
	 * @throws StoreUnavailableException when Redis could not be reached
	 */
	Map.Entry<String, List<byte[]>> scan(String what, String cursor, String pattern, int count) {
		this.server.enter(what);
		Availability[] target = { this.server };
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = connected(connection, what);
			ScanArgs args = ScanArgs.Builder.matches(pattern).limit(count);
			Map.Entry<String, List<byte[]>> step;
			if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
				step = scanCluster(cluster, what, cursor, args, target);
			}
			else {
				step = scanNode(commands, cursor, args);
			}
			reachable(target[0]);
			return step;
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw failed(what, ex, target[0]);
		}
	}

	private Map.Entry<String, List<byte[]>> scanNode(RedisClusterAsyncCommands<byte[], byte[]> commands, String cursor,
			ScanArgs args) {
		if (!isNumber(cursor)) {
			throw new IllegalArgumentException("'" + cursor + "' is not a cursor of this store's stream listing");
		}
		KeyScanCursor<byte[]> step = LettuceFutures.awaitOrCancel(commands.scan(ScanCursor.of(cursor), args),
				this.timeoutNanos, TimeUnit.NANOSECONDS);
		return Map.entry(step.isFinished() ? "0" : step.getCursor(), step.getKeys());
	}

	// One SCAN step on one master; Lettuce's own cluster-wide scan keeps its place
	// in a cursor object, which a cursor passed on as text cannot carry.
	private Map.Entry<String, List<byte[]>> scanCluster(RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster,
			String what, String cursor, ScanArgs args, Availability[] target) {
		List<RedisClusterNode> masters = masters();
		int index = 0;
		String nodeCursor = "0";
		if (!cursor.equals("0")) {
			int dash = cursor.indexOf('-');
			String slotText = (dash > 0) ? cursor.substring(0, dash) : "";
			nodeCursor = cursor.substring(dash + 1);
			if (slotText.length() > 5 || !isNumber(slotText) || !isNumber(nodeCursor)
					|| Integer.parseInt(slotText) >= SlotHash.SLOT_COUNT) {
				throw new IllegalArgumentException("'" + cursor + "' is not a cursor of this store's stream listing");
			}
			int slot = Integer.parseInt(slotText);
			index = -1;
			for (int i = 0; i < masters.size() && index < 0; i++) {
				if (masters.get(i).hasSlot(slot)) {
					index = i;
				}
			}
			if (index < 0) {
				throw new StoreUnavailableException("No master of the Redis Cluster holds slot " + slot, null);
			}
		}
		RedisClusterNode master = masters.get(index);
		target[0] = master(master);
		target[0].enter(what);
		KeyScanCursor<byte[]> step = LettuceFutures.awaitOrCancel(
				cluster.getConnection(master.getNodeId()).scan(ScanCursor.of(nodeCursor), args), this.timeoutNanos,
				TimeUnit.NANOSECONDS);
		String next;
		if (!step.isFinished()) {
			next = firstSlot(master) + "-" + step.getCursor();
		}
		else if (index + 1 < masters.size()) {
			next = firstSlot(masters.get(index + 1)) + "-0";
		}
		else {
			next = "0";
		}
		return Map.entry(next, step.getKeys());
	}

	// The masters that hold slots, as the client last saw the cluster, by their
	// first slot.
	private List<RedisClusterNode> masters() {
		RedisClusterClient client = (RedisClusterClient) this.connectionFactory.getRequiredNativeClient();
		List<RedisClusterNode> masters = new ArrayList<>();
		for (RedisClusterNode node : client.getPartitions()) {
			if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
				masters.add(node);
			}
		}
		if (masters.isEmpty()) {
			throw new StoreUnavailableException("The Redis Cluster has no master that holds slots", null);
		}
		masters.sort(Comparator.comparingInt(ScriptRunner::firstSlot));
		return masters;
	}

	private static int firstSlot(RedisClusterNode node) {
		int first = SlotHash.SLOT_COUNT;
		for (int slot : node.getSlots()) {
			first = Math.min(first, slot);
		}
		return first;
	}

	private static boolean isNumber(String text) {
		if (text.isEmpty() || text.length() > 20) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Sends a PING, whatever the recent failures.
	 * @return the round trip time
	 * @throws StoreUnavailableException when Redis did not answer
	 */
	Duration ping() {
		long start = System.nanoTime();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			LettuceFutures.awaitOrCancel(connected(connection, "ping Redis").ping(), this.timeoutNanos,
					TimeUnit.NANOSECONDS);
			reachable(this.server);
			return Duration.ofNanos(System.nanoTime() - start);
		}
		catch (RuntimeException ex) {
			// On a cluster the ping goes to one node, which says nothing of the others.
			throw failed("ping Redis", ex, isCluster() ? null : this.server);
		}
	}

	/**
	 * Whether every call uses the factory's one shared connection, which
	 * {@link #runAsync} needs to keep scripts in the order they were sent.
	 */
	boolean sharesConnection() {
		return this.connectionFactory.getShareNativeConnection();
	}

	/**
	 * Whether the last call reached Redis.
	 */
	boolean isReachable() {
		if (!this.connected || !this.server.isReachable()) {
			return false;
		}
		if (this.masters.isEmpty()) {
			return true;
		}
		// A master replaced since it failed is judged no more.
		Set<String> current = currentMasters();
		this.masters.keySet().retainAll(current);
		for (Availability master : this.masters.values()) {
			if (!master.isReachable()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Checks, on Redis Cluster, the master that holds a key, as
	 * {@code server.enter} checked Redis as a whole.
	 * @return the availability that the call's outcome is reported to
	 */
	private Availability enter(String what, byte[] key) {
		Availability target = target(key);
		if (target != this.server) {
			target.enter(what);
		}
		return target;
	}

	// The availability of the master that holds a key, as the client last saw the
	// cluster; Redis's own when not on a cluster. Called with a connection, so
	// that Lettuce knows the cluster already.
	private Availability target(byte[] key) {
		if (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster) {
			RedisClusterNode master = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
			if (master != null) {
				return master(master);
			}
		}
		return this.server;
	}

	private Availability master(RedisClusterNode master) {
		return this.masters.computeIfAbsent(master.getNodeId(), (id) -> new Availability("the Redis Cluster master "
				+ master.getUri().getHost() + ":" + master.getUri().getPort()));
	}

	private Set<String> currentMasters() {
		Set<String> ids = new HashSet<>();
		if (this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster) {
			for (RedisClusterNode node : cluster.getPartitions()) {
				if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
					ids.add(node.getNodeId());
				}
			}
		}
		return ids;
	}

	private boolean isCluster() {
		return this.connectionFactory.getNativeClient() instanceof RedisClusterClient;
	}

	private void reachable(Availability target) {
		this.connected = true;
		this.server.reachable();
		target.reachable();
	}

	/**
	 * Returns the commands of a connection that is up; Lettuce would otherwise
	 * hold a command until it has reconnected, or the timeout. On Redis Cluster
	 * the shared connection is one per master, and whether the one Lettuce
	 * calls its default is up says nothing of the others: a master that cannot
	 * be reached is found by its commands timing out.
	 */
	private RedisClusterAsyncCommands<byte[], byte[]> connected(RedisConnection connection, String what) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
		if (!isOpen(commands)) {
			this.connected = false;
			throw new StoreUnavailableException("Could not " + what + ": the connection to Redis is down and "
					+ "reconnecting; nothing was sent", null);
		}
		return commands;
	}

	// Spring Data Redis hands out only the commands of its shared connection; their
	// stateful connection, reached through a deprecated accessor, is what knows
	// whether the connection is up.
	@SuppressWarnings("deprecation")
	private static boolean isOpen(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection().isOpen();
		}
		return true;
	}

	/**
	 * Turns a failure into the exception the caller gets, and when it shows that
	 * Redis (or a master) cannot be reached, makes the calls that follow fail
	 * fast for a second.
	 * @param target what the failure is reported to, or {@code null} for nothing
	 */
	private StoreUnavailableException failed(String what, RuntimeException ex, Availability target) {
		if (ex instanceof StoreUnavailableException unavailable) {
			return unavailable;
		}
		String message;
		if (ex instanceof RedisCommandTimeoutException) {
			message = "Could not " + what + ": Redis did not answer within "
					+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms (" + TIMEOUT_PROPERTY
					+ "); a command already sent may still run";
		}
		else {
			message = "Could not " + what + " in Redis: " + ex.getMessage();
		}
		if (target != null && makesUnavailable(ex)) {
			target.failed(ex.getClass().getSimpleName() + ": " + ex.getMessage());
			if (target != this.server) {
				refreshTopology();
			}
		}
		return new StoreUnavailableException(message, ex);
	}

	// A master that does not answer may have died and be replaced by a replica:
	// Lettuce learns of it from the cluster, and sends commands for its slots to
	// the new master, once it reads the topology again.
	private void refreshTopology() {
		long now = System.nanoTime();
		long last = this.refreshedAtNanos.get();
		if (now - last >= RETRY_NANOS && this.refreshedAtNanos.compareAndSet(last, now)
				&& this.connectionFactory.getNativeClient() instanceof RedisClusterClient cluster) {
			cluster.refreshPartitionsAsync();
		}
	}

	private StoreUnavailableException failedAsync(RedisScript script, String what, Throwable failure,
			Availability target) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof RedisNoScriptException) {
			this.loaded.remove(script);
			return new StoreUnavailableException("Could not " + what + ": Redis did not have the store's script "
					+ script + " (it restarted, failed over or its scripts were flushed), so nothing was stored; "
					+ "the script is loaded again before the next call", cause);
		}
		if (cause instanceof RuntimeException ex) {
			return failed(what, ex, target);
		}
		return new StoreUnavailableException("Could not " + what + " in Redis: " + cause, cause);
	}

	private static boolean makesUnavailable(RuntimeException ex) {
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

	private List<Object> await(RedisScript script, RedisClusterAsyncCommands<byte[], byte[]> commands,
			RedisFuture<List<Object>> future, byte[][] keys, byte[][] args, long deadline) {
		try {
			return LettuceFutures.awaitOrCancel(future, Math.max(1, deadline - System.nanoTime()),
					TimeUnit.NANOSECONDS);
		}
		catch (RedisNoScriptException ex) {
			// Redis restarted or its script cache was flushed: send the text once, which
			// caches it again.
			RedisFuture<List<Object>> eval = commands.eval(script.text(), ScriptOutputType.MULTI, keys, args);
			return LettuceFutures.awaitOrCancel(eval, Math.max(1, deadline - System.nanoTime()),
					TimeUnit.NANOSECONDS);
		}
	}

	private static RedisFuture<List<Object>> evalsha(RedisClusterAsyncCommands<byte[], byte[]> commands,
			RedisScript script, byte[][] keys, byte[][] args) {
		return commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args);
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> commands(RedisConnection connection) {
		// A LettuceConnection's native connection is the asynchronous API of the
		// factory's shared connection (or of a cluster connection), keyed by bytes.
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	/**
	 * Whether Redis, or one master of a Redis Cluster, answers: after a failure
	 * that shows it does not, calls fail at once for a second, then one goes
	 * through to find out whether it is back.
	 */
	private static final class Availability {

		private final String name;

		// 0 while it answers; otherwise when the next call may try it again.
		private final AtomicLong retryAtNanos = new AtomicLong();

		private volatile long unavailableSinceNanos;

		private volatile String lastFailure;

		Availability(String name) {
			this.name = name;
		}

		void enter(String what) {
			long retryAt = this.retryAtNanos.get();
			if (retryAt == 0) {
				return;
			}
			long now = System.nanoTime();
			// One caller at a time finds out whether it is back; the others fail fast.
			if (now - retryAt < 0 || !this.retryAtNanos.compareAndSet(retryAt, now + RETRY_NANOS)) {
				long seconds = TimeUnit.NANOSECONDS.toSeconds(now - this.unavailableSinceNanos);
				throw new StoreUnavailableException("Could not " + what + ": " + this.name
						+ " has been unreachable for " + seconds + " s (" + this.lastFailure
						+ "); it is tried again every second", null);
			}
		}

		void reachable() {
			if (this.retryAtNanos.get() != 0) {
				this.retryAtNanos.set(0);
			}
		}

		void failed(String failure) {
			this.lastFailure = failure;
			long now = System.nanoTime();
			if (this.retryAtNanos.getAndSet(now + RETRY_NANOS) == 0) {
				this.unavailableSinceNanos = now;
			}
		}

		boolean isReachable() {
			return this.retryAtNanos.get() == 0;
		}

	}

}
