/**
 * Spring Boot auto-configuration for sse-replay: binds {@code sse.replay.*}
 * properties and wires the store, the broker, the entry point and the metrics.
 * Every bean backs off when the application defines its own.
 */
package dev.ssereplay.autoconfigure;
