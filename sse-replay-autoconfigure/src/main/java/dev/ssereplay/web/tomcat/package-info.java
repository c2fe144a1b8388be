/**
 * Tomcat support: a connector protocol with a smaller output buffer per
 * response, for servers that hold many idle event streams, and the
 * {@link dev.ssereplay.web.SocketCloser} that reaches Tomcat's sockets. Depends
 * on Tomcat and the web package only; {@code dev.ssereplay.autoconfigure}
 * applies them from {@code sse.replay.tomcat.*} and
 * {@code sse.replay.connection.close-grace}.
 */
package dev.ssereplay.web.tomcat;
