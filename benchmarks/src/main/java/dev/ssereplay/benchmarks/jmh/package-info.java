/**
 * JMH micro benchmarks of the library's hot paths: formatting, the in-memory
 * store, and the broker's fan-out. The classes are not final because JMH
 * generates subclasses of them.
 */
package dev.ssereplay.benchmarks.jmh;
