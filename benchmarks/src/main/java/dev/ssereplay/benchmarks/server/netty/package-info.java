/**
 * The raw Netty contender: the bound of this machine.
 */
package dev.ssereplay.benchmarks.server.netty;
