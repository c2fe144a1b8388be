/**
 * The Redis replay store: one history and one live fan-out shared by every
 * instance of an application. Each stream's history is a Redis Stream; appending
 * is one Lua script that assigns the next sequence number, stores the formatted
 * event, trims the history and publishes the event, so that the live order is
 * the stored order. Live events reach the instances that follow the stream
 * through pub/sub, which is a hint only: the history is the truth, and a subscriber that misses a live
 * event reads it from there.
 * <p>
 * {@link dev.ssereplay.store.redis.RedisReplayStore} is the one public type; it
 * checks what callers pass in and hands each call on:
 * <ul>
 * <li>{@code RedisStreamHistory} appends to, reads and deletes one stream, and
 * {@code AsyncAppends} bounds the appends sent without waiting, keeps their
 * order per stream and sends those that queue up for one stream as one script
 * call, which {@code QueuedAppend} composes;</li>
 * <li>{@code RedisStreamCatalog} describes and lists streams;</li>
 * <li>{@code RedisLiveFeed} follows streams and repairs a lost live event;
 * {@code LiveSubscriptions} holds its subscriptions, one
 * {@code ChannelSubscription} per followed stream or one pattern
 * ({@code LiveSubscription}); a {@code ChannelConnection} subscribes to the
 * channels, with classic pub/sub ({@code ClassicChannels}, through Spring Data
 * Redis) or sharded pub/sub ({@code ShardedChannels}, on Lettuce's own
 * connection), as {@code PubSubMode} decided once; {@code LiveListeners} hands what arrives to the
 * store's listeners on a thread of its own, and {@code RedisHousekeeping} runs
 * the periodic work;</li>
 * <li>{@code ScriptRunner} runs the store's scripts, synchronously or without
 * waiting, through {@code RedisCalls} (the store's timeout and the translation
 * of failures) and the connection and cluster topology of {@code RedisNodes};
 * {@code NodeHealth} makes calls fail fast while Redis or a master does not
 * answer, which after a timeout a PING must confirm;</li>
 * <li>{@code RedisReplayStoreBuilder} names the store's settings, and
 * {@code RedisStoreSettings} checks them once.</li>
 * </ul>
 */
package dev.ssereplay.store.redis;
