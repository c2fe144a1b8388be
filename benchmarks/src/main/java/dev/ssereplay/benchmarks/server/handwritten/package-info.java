/**
 * The hand-written contender: the broadcast loop of the tutorials.
 */
package dev.ssereplay.benchmarks.server.handwritten;
