/**
 * A reconnecting Server-Sent Events client built on {@link java.net.http.HttpClient}
 * alone: the Java counterpart of a browser's {@code EventSource}.
 *
 * <p>{@link dev.ssereplay.client.SseClient} parses the event stream exactly as the
 * WHATWG HTML standard says, reconnects with {@code Last-Event-ID} and backoff when
 * the connection drops or goes silent, and delivers each
 * {@link dev.ssereplay.client.SseEvent} to an {@link dev.ssereplay.client.SseListener}
 * and to any {@link java.util.concurrent.Flow.Subscriber}, honouring their demand. It
 * works with any SSE server; against an sse-replay server it also surfaces the
 * {@code resync} event that says the server could not resume from the client's
 * position.
 */
package dev.ssereplay.client;
