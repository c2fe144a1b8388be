/**
 * The Spring MVC side: {@link dev.ssereplay.web.SseReplay}, the application's
 * entry point, which turns a subscription into an {@code SseEmitter} and
 * publishes events, and the mapping of sse-replay's errors to HTTP statuses.
 */
package dev.ssereplay.web;
