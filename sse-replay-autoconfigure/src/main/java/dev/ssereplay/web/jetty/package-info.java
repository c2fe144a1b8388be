/**
 * Jetty support: the sizes of each response's output buffer on a Jetty server,
 * for servers that hold many idle event streams. Depends on Jetty only;
 * {@code dev.ssereplay.autoconfigure} applies them from
 * {@code sse.replay.jetty.*}.
 */
package dev.ssereplay.web.jetty;
