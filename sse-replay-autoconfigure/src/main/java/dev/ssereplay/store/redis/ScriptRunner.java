package dev.ssereplay.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * Runs the store's scripts on Lettuce's asynchronous API, so that every call has
 * the store's own timeout whatever the application configured for its other
 * Redis commands, and fails fast while Redis is unreachable; also the steps of
 * the stream listing's SCAN, and PING. A script that Redis no longer has (it
 * restarted, failed over, or its scripts were flushed) is sent again by its text.
 * <p>
 * Two cases of unreachable: while the connection is down (Lettuce reconnects by
 * itself), a call fails at once, before anything is sent, so the caller knows
 * nothing was done; it goes through again as soon as Lettuce has reconnected.
 * While the connection is up but Redis does not answer, {@link NodeHealth},
 * which every call's outcome is reported to, makes the calls that follow fail
 * fast. On Redis Cluster a call is judged by the master that holds its keys
 * (see {@link RedisNodes}), so a master that does not answer, or whose
 * connection is down (which shows as a timeout there, since Lettuce holds a
 * master's commands while it reconnects), fails the calls on the streams it
 * holds, not those on the others. The connection check, the timeout and the
 * failure's translation and report are {@link RedisCalls}'s.
 * <p>
 * Thread-safe: the connection factory's shared connection is thread-safe, and
 * so is the health.
 */
final class ScriptRunner {

	private final RedisNodes nodes;

	private final NodeHealth health;

	private final RedisCalls calls;

	// Scripts that runAsync may send by digest: loaded into Redis, as far as known.
	private final Set<RedisScript> loaded = ConcurrentHashMap.newKeySet();

	ScriptRunner(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.nodes = new RedisNodes(connectionFactory);
		this.health = new NodeHealth(this.nodes::masterIds, this.nodes::refreshTopology,
				(nodeId) -> this.nodes.probe(nodeId, timeout));
		this.calls = new RedisCalls(this.health, timeout);
	}

	/**
	 * Runs a script on the keys of one stream.
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @return the script's reply
	 * @throws StoreUnavailableException when it did not run
	 */
	List<Object> run(RedisScript script, String what, byte[][] keys, byte[]... args) {
		this.health.enter(what);
		NodeHealth.Node target = this.health.server();
		try (RedisConnection connection = this.nodes.connection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = this.calls.connected(connection, what);
			target = this.health.enter(what, this.nodes.masterOf(keys[0]));
			List<Object> reply = await(script, commands, evalsha(commands, script, keys, args), keys, args,
					this.calls.deadline());
			this.health.reachable(target);
			return reply;
		}
		catch (RuntimeException ex) {
			throw this.calls.failed(what, ex, target);
		}
	}

	/**
	 * Loads a script into Redis for {@link #runAsync}, unless it is known to be
	 * there: one round trip, the first time and after Redis lost it.
	 * @param what what the call is for, for messages: "append to stream 'orders'"
	 * @throws StoreUnavailableException when Redis could not be reached
	 */
	void load(RedisScript script, String what) {
		if (this.loaded.contains(script)) {
			return;
		}
		this.health.enter(what);
		NodeHealth.Node target = this.health.server();
		try (RedisConnection connection = this.nodes.connection()) {
			this.calls.answer(this.calls.connected(connection, what).scriptLoad(script.text()));
			this.loaded.add(script);
		}
		catch (RuntimeException ex) {
			throw this.calls.failed(what, ex, target);
		}
	}

	/**
	 * Sends a script on the keys of one stream without waiting for its reply.
	 * Scripts sent one after another from one thread run in that order: they
	 * travel on the factory's one shared connection (on Redis Cluster, on the
	 * connection to the master of their slot) and Redis runs a connection's
	 * commands in the order received. Unlike {@link #run}, a script that Redis no
	 * longer has is not sent again, which would put it after scripts sent since:
	 * the call fails, and so do the calls after it until the script is
	 * {@linkplain #load loaded} again.
	 * <p>
	 * Never waits for Redis, so it may be called on Lettuce's I/O thread, or
	 * while holding a lock that the I/O thread takes. The future completes on
	 * Lettuce's I/O thread, or on the JDK's delay thread when Redis did not answer
	 * within the timeout (the command is then cancelled unless it was written
	 * already).
	 * @param what what the call does, for messages: "append to stream 'orders'"
	 * @return the script's reply, or a future failed with a
	 * {@link StoreUnavailableException}, at once when the script is not known to
	 * be loaded
	 */
	CompletableFuture<List<Object>> runAsync(RedisScript script, String what, byte[][] keys, byte[]... args) {
		return sendAsync(script, what, false, keys, args);
	}

	/**
	 * Runs a script that only reads, without waiting for its reply: a script that
	 * Redis no longer has is sent again by its text, as {@link #run} does, since
	 * the order of reads does not matter. Where the factory does not share one
	 * connection, the script runs at once, as {@link #run} runs it.
	 * @param what what the call does, for messages: "read stream 'orders'"
	 * @return the script's reply, or a future failed with a
	 * {@link StoreUnavailableException}; it completes on Lettuce's I/O thread, or
	 * on the JDK's delay thread when Redis did not answer within the timeout
	 */
	CompletableFuture<List<Object>> readAsync(RedisScript script, String what, byte[][] keys, byte[]... args) {
		if (!sharesConnection()) {
			try {
				return CompletableFuture.completedFuture(run(script, what, keys, args));
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		return sendAsync(script, what, true, keys, args);
	}

	/**
	 * Sends a script without waiting for its reply.
	 * @param resendLost whether a script that Redis no longer has is sent again by
	 * its text (for reads, whose order does not matter), rather than failing the
	 * call until it is loaded
	 */
	private CompletableFuture<List<Object>> sendAsync(RedisScript script, String what, boolean resendLost,
			byte[][] keys, byte[][] args) {
		if (!resendLost && !this.loaded.contains(script)) {
			return CompletableFuture.failedFuture(new StoreUnavailableException("Could not " + what
					+ ": Redis did not have the store's script " + script + " when it was last sent (it restarted, "
					+ "failed over or its scripts were flushed), so nothing was sent; the script is loaded again "
					+ "before the next call", null));
		}
		RedisFuture<List<Object>> sent;
		CompletionStage<List<Object>> answered;
		NodeHealth.Node target = this.health.server();
		try {
			this.health.enter(what);
			try (RedisConnection connection = this.nodes.connection()) {
				RedisClusterAsyncCommands<byte[], byte[]> commands = this.calls.connected(connection, what);
				target = this.health.enter(what, this.nodes.masterOf(keys[0]));
				sent = evalsha(commands, script, keys, args);
				// The shared connection outlives the connection handle closed here.
				answered = !resendLost ? sent : sent.toCompletableFuture().exceptionallyCompose((failure) -> {
					Throwable cause = unwrap(failure);
					if (cause instanceof RedisNoScriptException) {
						return commands.<List<Object>>eval(script.text(), ScriptOutputType.MULTI, keys, args)
							.toCompletableFuture();
					}
					return CompletableFuture.failedFuture(cause);
				});
			}
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(this.calls.failed(what, ex, target));
		}
		NodeHealth.Node sentTo = target;
		return this.calls.answerAsync(answered, sent, what, sentTo,
				(failure) -> failedAsync(script, what, failure, sentTo));
	}

	/**
	 * Runs a script on the keys of many streams, pipelined.
	 * @return per set of keys, the reply, or the exception Redis answered for it;
	 * on Redis Cluster, a {@link StoreUnavailableException} for the keys of a
	 * master that could not be reached while others could
	 * @throws StoreUnavailableException when Redis could not be reached
	 */
	List<Object> runEach(RedisScript script, String what, List<byte[][]> keys, byte[]... args) {
		this.health.enter(what);
		NodeHealth.Node server = this.health.server();
		try (RedisConnection connection = this.nodes.connection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = this.calls.connected(connection, what);
			List<NodeHealth.Node> targets = new ArrayList<>(keys.size());
			// Per set of keys, the command sent, or why it was not.
			List<Object> sent = new ArrayList<>(keys.size());
			for (byte[][] streamKeys : keys) {
				try {
					NodeHealth.Node target = this.health.enter(what, this.nodes.masterOf(streamKeys[0]));
					targets.add(target);
					sent.add(evalsha(commands, script, streamKeys, args));
				}
				catch (StoreUnavailableException ex) {
					targets.add(null);
					sent.add(ex);
				}
			}
			long deadline = this.calls.deadline();
			List<Object> replies = new ArrayList<>(keys.size());
			StoreUnavailableException unavailable = null;
			boolean answered = false;
			for (int i = 0; i < sent.size(); i++) {
				NodeHealth.Node target = targets.get(i);
				if (sent.get(i) instanceof StoreUnavailableException ex) {
					replies.add(ex);
					unavailable = (unavailable != null) ? unavailable : ex;
					continue;
				}
				@SuppressWarnings("unchecked")
				RedisFuture<List<Object>> future = (RedisFuture<List<Object>>) sent.get(i);
				try {
					replies.add(await(script, commands, future, keys.get(i), args, deadline));
					this.health.answered(target);
					answered = true;
				}
				catch (RuntimeException ex) {
					if (NodeHealth.makesUnavailable(ex) && target != server) {
						// One master of a cluster: the others' replies still count.
						StoreUnavailableException failure = this.calls.failed(what, ex, target);
						replies.add(failure);
						unavailable = (unavailable != null) ? unavailable : failure;
					}
					else if (ex instanceof RedisCommandExecutionException && !NodeHealth.makesUnavailable(ex)) {
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
			this.health.reachable(server);
			return replies;
		}
		catch (RuntimeException ex) {
			throw this.calls.failed(what, ex, server);
		}
	}

	/**
	 * Runs one step of a SCAN over the keys that match a pattern; on Redis
	 * Cluster, over every master in turn (see {@link ListingCursor}).
	 * @param cursor where to go on: "0" for the start
	 * @return the cursor of the next step ("0" after the last) and the keys found
	 * @throws IllegalArgumentException when the cursor is not one this method
	 * returned
	 * @throws StoreUnavailableException when Redis could not be reached
	 */
	Map.Entry<String, List<byte[]>> scan(String what, String cursor, String pattern, int count) {
		this.health.enter(what);
		NodeHealth.Node target = this.health.server();
		try (RedisConnection connection = this.nodes.connection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = this.calls.connected(connection, what);
			ScanArgs args = ScanArgs.Builder.matches(pattern).limit(count);
			Map.Entry<String, List<byte[]>> step;
			if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
				// One SCAN step on one master; Lettuce's own cluster-wide scan keeps its
				// place in a cursor object, which a cursor passed on as text cannot carry.
				ListingCursor.OnCluster at = ListingCursor.onCluster(cursor, this.nodes.masters());
				target = this.health.enter(what, at.master());
				KeyScanCursor<byte[]> keys = this.calls.answer(
						cluster.getConnection(at.master().getNodeId()).scan(ScanCursor.of(at.cursor()), args));
				step = Map.entry(at.after(keys), keys.getKeys());
			}
			else {
				KeyScanCursor<byte[]> keys = this.calls
					.answer(commands.scan(ScanCursor.of(ListingCursor.onServer(cursor)), args));
				step = Map.entry(ListingCursor.afterServer(keys), keys.getKeys());
			}
			this.health.reachable(target);
			return step;
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw this.calls.failed(what, ex, target);
		}
	}

	/**
	 * Sends a PING, whatever the recent failures.
	 * @return the round trip time
	 * @throws StoreUnavailableException when Redis did not answer
	 */
	Duration ping() {
		long start = System.nanoTime();
		try (RedisConnection connection = this.nodes.connection()) {
			this.calls.answer(this.calls.connected(connection, "ping Redis").ping());
			this.health.reachable(this.health.server());
			return Duration.ofNanos(System.nanoTime() - start);
		}
		catch (RuntimeException ex) {
			// On a cluster the ping goes to one node, which says nothing of the others.
			throw this.calls.failed("ping Redis", ex, this.nodes.isCluster() ? null : this.health.server());
		}
	}

	/**
	 * Whether every call uses the factory's one shared connection, which
	 * {@link #runAsync} needs to keep scripts in the order they were sent.
	 */
	boolean sharesConnection() {
		return this.nodes.sharesConnection();
	}

	/**
	 * Whether the last call reached Redis.
	 */
	boolean isReachable() {
		return this.health.isReachable();
	}

	private StoreUnavailableException failedAsync(RedisScript script, String what, Throwable failure,
			NodeHealth.Node target) {
		Throwable cause = unwrap(failure);
		if (cause instanceof RedisNoScriptException) {
			this.loaded.remove(script);
			return new StoreUnavailableException("Could not " + what + ": Redis did not have the store's script "
					+ script + " (it restarted, failed over or its scripts were flushed), so nothing was stored; "
					+ "the script is loaded again before the next call", cause);
		}
		if (cause instanceof RuntimeException ex) {
			return this.calls.failed(what, ex, target);
		}
		return new StoreUnavailableException("Could not " + what + " in Redis: " + cause, cause);
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

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private static RedisFuture<List<Object>> evalsha(RedisClusterAsyncCommands<byte[], byte[]> commands,
			RedisScript script, byte[][] keys, byte[][] args) {
		return commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args);
	}

}
