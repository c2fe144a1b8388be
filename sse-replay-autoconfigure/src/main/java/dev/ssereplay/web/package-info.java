/**
 * The Spring MVC side. {@link dev.ssereplay.web.SseReplay} is the application's
 * entry point, and hands each call to one of two classes: a
 * {@code SubscriptionGate} parses the client's position once (where the request
 * enters) and decides, with the authorizer, whether and how it may subscribe;
 * {@code Publications} checks and serializes what is published, appends it
 * through the broker, and runs sources given to {@code publishAll}. The connection it
 * returns is a {@code ReplayEmitter}, an {@code SseEmitter} whose writes go
 * either to a {@code ServletOutput} (non-blocking servlet output, installed by
 * {@link dev.ssereplay.web.SseReplayReturnValueHandler}) or through Spring
 * MVC's own emitter handling. A {@link dev.ssereplay.web.SocketCloser} closes
 * the socket of a stream whose client may never read its end, which the servlet
 * API cannot do. {@code EventStreamHttp} reads the request and sets the
 * stream's headers, and {@link dev.ssereplay.web.SseReplayExceptionHandler} maps
 * sse-replay's errors to HTTP statuses.
 */
package dev.ssereplay.web;
