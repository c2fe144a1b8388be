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
 * {@code AsyncAppends} bounds the appends sent without waiting;</li>
 * <li>{@code RedisStreamCatalog} describes and lists streams;</li>
 * <li>{@code RedisLiveFeed} receives live events and repairs a lost one, and
 * {@code RedisHousekeeping} runs its periodic work;</li>
 * <li>{@code ScriptRunner} runs every command with the store's timeout, through
 * the connection and cluster topology of {@code RedisNodes}, and
 * {@code NodeHealth} makes calls fail fast while Redis or a master does not
 * answer.</li>
 * </ul>
 */
package dev.ssereplay.store.redis;
