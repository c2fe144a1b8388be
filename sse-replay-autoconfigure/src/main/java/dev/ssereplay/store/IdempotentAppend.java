package dev.ssereplay.store;

import dev.ssereplay.event.EventId;

/**
 * What an append with an idempotency key did: stored a new event, or found that
 * an append with the same key had been stored and stored nothing.
 *
 * @param id the id of the event the key belongs to
 * @param repeated whether the key had been used, so nothing new was stored
 */
public record IdempotentAppend(EventId id, boolean repeated) {

}
