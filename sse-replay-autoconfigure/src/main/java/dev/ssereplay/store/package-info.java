/**
 * Replay stores: the one place that knows a stream's history. A store assigns
 * each appended event its dense position, keeps the formatted event within the
 * configured bounds, answers what comes after a client's last event id (or that
 * it cannot), and hands every appended event to its listeners for live fan-out.
 */
package dev.ssereplay.store;
