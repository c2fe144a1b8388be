package dev.ssereplay.store.redis;

import java.util.List;
import java.util.function.Consumer;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * Channel subscriptions with classic pub/sub ({@code SUBSCRIBE}), through
 * Spring Data Redis: on Redis Cluster the subscription is on whichever node
 * Lettuce chose, and every node passes on every message, so a failover needs
 * nothing of it. Spring Data Redis closes the connection when its last channel
 * is left. Used on the subscriptions' thread only.
 */
final class ClassicChannels implements ChannelConnection, MessageListener, SubscriptionListener {

	private final RedisConnectionFactory connectionFactory;

	private final Consumer<Message> handler;

	private final Consumer<byte[]> onSubscribed;

	private RedisConnection connection;

	/**
	 * @param handler called with each message, on Lettuce's event loop thread
	 * @param onSubscribed called with the channel each time Redis confirms one, on
	 * Lettuce's event loop thread
	 */
	ClassicChannels(RedisConnectionFactory connectionFactory, Consumer<Message> handler,
			Consumer<byte[]> onSubscribed) {
		this.connectionFactory = connectionFactory;
		this.handler = handler;
		this.onSubscribed = onSubscribed;
	}

	@Override
	public boolean isOpen() {
		RedisConnection current = this.connection;
		return current != null && current.isSubscribed();
	}

	@Override
	public void open(List<byte[]> channels) {
		close();
		RedisConnection subscribing = this.connectionFactory.getConnection();
		this.connection = subscribing;
		subscribing.subscribe(this, channels.toArray(new byte[0][]));
	}

	@Override
	public void subscribe(byte[] channel) {
		this.connection.getSubscription().subscribe(channel);
	}

	@Override
	public void resubscribe(List<byte[]> channels) {
		// Every node passes every message on: the subscription holds wherever it is.
	}

	@Override
	public void unsubscribe(List<byte[]> channels) {
		RedisConnection current = this.connection;
		if (current == null || !current.isSubscribed()) {
			return;
		}
		try {
			current.getSubscription().unsubscribe(channels.toArray(new byte[0][]));
		}
		catch (RuntimeException ex) {
			// Still subscribed to channels nobody follows here: their messages are ignored.
		}
	}

	@Override
	public void close() {
		RedisConnection current = this.connection;
		this.connection = null;
		RedisNodes.closeSubscription(current);
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		this.handler.accept(message);
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		this.onSubscribed.accept(channel);
	}

}
