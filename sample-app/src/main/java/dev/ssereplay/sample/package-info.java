/**
 * The sample application: an HTTP API to subscribe to and publish on streams, and
 * a page that shows a stream live.
 */
package dev.ssereplay.sample;
