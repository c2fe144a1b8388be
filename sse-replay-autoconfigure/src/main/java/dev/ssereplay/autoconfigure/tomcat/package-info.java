/**
 * Tomcat support: smaller per-connection buffers for servers that hold many idle
 * event streams.
 */
package dev.ssereplay.autoconfigure.tomcat;
