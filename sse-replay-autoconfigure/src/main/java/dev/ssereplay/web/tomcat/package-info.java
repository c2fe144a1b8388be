/**
 * Tomcat support for servers that hold many idle event streams: a connector
 * protocol with a smaller output buffer per response. Depends on Tomcat only;
 * {@code dev.ssereplay.autoconfigure} applies it from
 * {@code sse.replay.tomcat.*}.
 */
package dev.ssereplay.web.tomcat;
