package dev.ssereplay.store.redis;

import java.util.List;

/**
 * One connection's subscriptions to stream channels, of one kind of pub/sub:
 * {@link ClassicChannels} or {@link ShardedChannels}. The
 * {@link ChannelSubscription} decides what to subscribe to and when; this says
 * how. Each method that subscribes returns once Redis confirmed, or throws.
 * <p>
 * Used on the subscriptions' thread only; what it is told by Redis reaches the
 * handlers given when it was made, on Lettuce's event loop thread.
 */
interface ChannelConnection {

	/**
	 * Whether the connection is open: Lettuce keeps its subscriptions and makes
	 * them again after a reconnect.
	 */
	boolean isOpen();

	/**
	 * Opens the connection and subscribes to the channels.
	 * @param channels at least one
	 */
	void open(List<byte[]> channels);

	/**
	 * Subscribes to one more channel on the open connection.
	 */
	void subscribe(byte[] channel);

	/**
	 * Subscribes again to channels subscribed to before, since the nodes that
	 * serve them may have changed; does nothing where Redis keeps a subscription
	 * whichever node serves the channel.
	 * @param channels at least one
	 */
	void resubscribe(List<byte[]> channels);

	/**
	 * Leaves channels; a failure is ignored, since a message on a channel nobody
	 * follows is ignored too.
	 */
	void unsubscribe(List<byte[]> channels);

	/**
	 * Closes the connection; failures are ignored.
	 */
	void close();

}
