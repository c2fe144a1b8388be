/**
 * The Redis replay store: one history and one live fan-out shared by every
 * instance of an application. Each stream's history is a Redis Stream; appending
 * is one Lua script that assigns the next sequence number, stores the formatted
 * event, trims the history and publishes the event, so that the live order is
 * the stored order. Live events reach every instance through pub/sub, which is
 * a hint only: the history is the truth, and a subscriber that misses a live
 * event reads it from there.
 */
package dev.ssereplay.store.redis;
