/**
 * The WebFlux contender: Spring WebFlux on Reactor Netty with a multicast sink.
 */
package dev.ssereplay.benchmarks.server.webflux;
