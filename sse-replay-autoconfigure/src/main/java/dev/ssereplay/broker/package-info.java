/**
 * The broker: subscribers per stream, each with a bounded queue and a writer
 * task that turns queued events, replay pages, resync notices and heartbeats
 * into one write per batch on its {@link dev.ssereplay.broker.Connection}. The
 * broker knows nothing of HTTP.
 */
package dev.ssereplay.broker;
