package dev.ssereplay.store.redis;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import reactor.core.Disposable;

import org.springframework.data.redis.connection.DefaultMessage;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Channel subscriptions with sharded pub/sub ({@code SSUBSCRIBE}, Redis 7.0 or
 * later), on a connection of Lettuce's own made from the factory's client, since
 * Spring Data Redis has no sharded pub/sub: on Redis Cluster each channel is
 * subscribed to on the master of its slot, where its messages are published,
 * and no other node sees them.
 * <p>
 * A shard channel's subscription is bound to the node: when its slot moves (a
 * failover, resharding) Redis ends it with an {@code SUNSUBSCRIBE} nobody asked
 * for, which is passed to {@code onDropped}; and a master that died takes its
 * subscriptions with it, which Lettuce would make again on that node only,
 * were it to come back: so when a connection of the client to a master is lost,
 * the channels of that master's slots are passed to {@code onDropped} too,
 * whether or not any command is waiting for that master.
 * {@link #resubscribe} reads the cluster's topology again and subscribes on the
 * slot's master of the moment, and fails, to be tried again, for the channels
 * whose master is still the one lost, until a replica took over. On one server,
 * and behind Sentinel, Lettuce reconnects and subscribes again by itself.
 * <p>
 * Used on the subscriptions' thread only; handlers run on Lettuce's event loop
 * thread, and the checks of a closed connection on Lettuce's event executors.
 */
final class ShardedChannels implements ChannelConnection {

	// When a closed connection to a master is checked, after the event.
	private static final long[] LOST_CHECK_MILLIS = { 100, 1000 };

	private final LettuceConnectionFactory connectionFactory;

	private final Consumer<Message> handler;

	private final Consumer<byte[]> onSubscribed;

	private final Consumer<byte[]> onDropped;

	private final long timeoutNanos;

	// Channels being left on purpose, whose SUNSUBSCRIBE is expected.
	private final Set<String> leaving = ConcurrentHashMap.newKeySet();

	// The channels subscribed to, by name. Changed on the subscriptions' thread;
	// read when a connection is lost.
	private final Map<String, byte[]> subscribed = new ConcurrentHashMap<>();

	private Disposable connectionEvents;

	// Written on the subscriptions' thread; read by the connection checks too.
	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	// Set before the connection events are listened to.
	private volatile RedisClusterClient cluster;

	/**
	 * @param handler called with each message, on Lettuce's event loop thread
	 * @param onSubscribed called with the channel each time Redis confirms one
	 * @param onDropped called with the channel when Redis ends its subscription
	 * unasked, or, on Redis Cluster, a connection to its master is lost
	 * @param timeout how long to wait for Redis to confirm
	 */
	ShardedChannels(LettuceConnectionFactory connectionFactory, Consumer<Message> handler,
			Consumer<byte[]> onSubscribed, Consumer<byte[]> onDropped, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.handler = handler;
		this.onSubscribed = onSubscribed;
		this.onDropped = onDropped;
		this.timeoutNanos = timeout.toNanos();
	}

	// Open until closed here: while Lettuce reconnects, it keeps the
	// subscriptions and makes them again by itself, and a subscription asked
	// meanwhile waits for the reconnect or times out.
	@Override
	public boolean isOpen() {
		return this.connection != null;
	}

	@Override
	public void open(List<byte[]> channels) {
		close();
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		StatefulRedisPubSubConnection<byte[], byte[]> opened;
		if (client instanceof RedisClusterClient clusterClient) {
			this.cluster = clusterClient;
			this.connectionEvents = clusterClient.getResources().eventBus().get().subscribe(this::connectionEvent);
			opened = clusterClient.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		else if (client instanceof RedisClient standalone) {
			this.cluster = null;
			opened = standalone.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		else {
			throw new IllegalStateException("Sharded pub/sub needs a RedisClient or RedisClusterClient, not "
					+ client.getClass().getName());
		}
		opened.addListener(new Listener());
		this.connection = opened;
		await(channels);
	}

	@Override
	public void subscribe(byte[] channel) {
		await(List.of(channel));
	}

	// The topology is read once for all the channels: a failover moves the
	// channels of every stream of a master at once. A channel whose master is
	// still one that was lost would wait for it in vain, and keep the channels
	// after it waiting.
	@Override
	public void resubscribe(List<byte[]> channels) {
		if (this.cluster == null) {
			await(channels);
			return;
		}
		this.cluster.refreshPartitions();
		List<byte[]> reachable = new ArrayList<>(channels.size());
		RedisURI lost = null;
		for (byte[] channel : channels) {
			RedisURI master = masterOf(channel);
			if (master != null && isLost(master)) {
				lost = master;
			}
			else {
				reachable.add(channel);
			}
		}
		await(reachable);
		if (lost != null) {
			throw new IllegalStateException("The connection to the Redis Cluster master " + lost.getHost() + ":"
					+ lost.getPort() + " was lost and no replica has taken over yet");
		}
	}

	@Override
	public void unsubscribe(List<byte[]> channels) {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		if (current == null) {
			return;
		}
		for (byte[] channel : channels) {
			String name = name(channel);
			this.leaving.add(name);
			this.subscribed.remove(name);
			try {
				// One at a time: on Redis Cluster a command is sent to one slot's master.
				current.async().sunsubscribe(channel).whenComplete((done, failure) -> {
					if (failure != null) {
						this.leaving.remove(name);
					}
				});
			}
			catch (RuntimeException ex) {
				this.leaving.remove(name);
			}
		}
	}

	@Override
	public void close() {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		this.connection = null;
		this.leaving.clear();
		this.subscribed.clear();
		if (this.connectionEvents != null) {
			this.connectionEvents.dispose();
			this.connectionEvents = null;
		}
		if (current == null) {
			return;
		}
		try {
			current.close();
		}
		catch (RuntimeException ex) {
			// The connection is gone already.
		}
	}

	// Sends one SSUBSCRIBE per channel, each to its slot's master, and waits for
	// every confirmation.
	private void await(List<byte[]> channels) {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		if (current == null) {
			throw new IllegalStateException("The sharded subscription connection is closed");
		}
		List<RedisFuture<Void>> confirmations = new ArrayList<>(channels.size());
		for (byte[] channel : channels) {
			String name = name(channel);
			this.leaving.remove(name);
			this.subscribed.put(name, channel);
			confirmations.add(current.async().ssubscribe(channel));
		}
		long deadline = System.nanoTime() + this.timeoutNanos;
		for (RedisFuture<Void> confirmation : confirmations) {
			long left = Math.max(1, deadline - System.nanoTime());
			// Throws a RedisCommandTimeoutException when Redis did not confirm in time.
			LettuceFutures.awaitOrCancel(confirmation, left, TimeUnit.NANOSECONDS);
		}
	}

	// On a thread of Lettuce's event bus. Any connection of the client to a node
	// may have closed, this connection's or another (a topology refresh opens and
	// closes one to every node): only this connection's own to a master, which
	// Lettuce is then reconnecting, is lost. The event may come before this
	// connection learnt that it closed, so that is checked a little later, and
	// checked again, on Lettuce's event executors.
	private void connectionEvent(Event event) {
		RedisClusterClient client = this.cluster;
		if (event instanceof DisconnectedEvent disconnected && client != null
				&& disconnected.remoteAddress() instanceof InetSocketAddress node) {
			for (long delay : LOST_CHECK_MILLIS) {
				client.getResources().eventExecutorGroup().schedule(() -> dropIfLost(node), delay,
						TimeUnit.MILLISECONDS);
			}
		}
	}

	private void dropIfLost(InetSocketAddress node) {
		if (this.cluster == null) {
			return;
		}
		boolean checked = false;
		for (byte[] channel : this.subscribed.values()) {
			RedisURI master = masterOf(channel);
			// Lettuce connects to the host a node's URI names, which the address keeps.
			if (master != null && master.getPort() == node.getPort() && master.getHost().equals(node.getHostString())) {
				if (!checked && !isLost(master)) {
					return;
				}
				checked = true;
				this.onDropped.accept(channel);
			}
		}
	}

	// The master of the channel's slot in the topology the client knows, or null
	// when no master holds it.
	private RedisURI masterOf(byte[] channel) {
		RedisClusterNode master = this.cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
		return (master != null) ? master.getUri() : null;
	}

	// Whether the subscriptions' connection to a master was made and is not open:
	// Lettuce is reconnecting to it.
	private boolean isLost(RedisURI master) {
		if (!(this.connection instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> clusterConnection)) {
			return false;
		}
		try {
			StatefulRedisPubSubConnection<byte[], byte[]> toMaster = clusterConnection
				.getConnectionAsync(master.getHost(), master.getPort())
				.getNow(null);
			return toMaster != null && !toMaster.isOpen();
		}
		catch (RuntimeException ex) {
			// Not a node of the cluster, or its connection failed: subscribing says.
			return false;
		}
	}

	private static String name(byte[] channel) {
		return new String(channel, StandardCharsets.UTF_8);
	}

	private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {

		@Override
		public void smessage(byte[] channel, byte[] message) {
			ShardedChannels.this.handler.accept(new DefaultMessage(channel, message));
		}

		@Override
		public void ssubscribed(byte[] channel, long count) {
			ShardedChannels.this.onSubscribed.accept(channel);
		}

		@Override
		public void sunsubscribed(byte[] channel, long count) {
			if (!ShardedChannels.this.leaving.remove(name(channel))) {
				ShardedChannels.this.onDropped.accept(channel);
			}
		}

	}

}
