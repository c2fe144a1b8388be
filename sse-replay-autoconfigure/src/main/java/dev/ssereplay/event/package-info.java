/**
 * Events and their wire form: validation of stream names and fields, the
 * {@code text/event-stream} formatter, event ids that encode a position in a
 * stream's history, a client's parsed {@link dev.ssereplay.event.Position}, and
 * the stored, pre-formatted event.
 */
package dev.ssereplay.event;
