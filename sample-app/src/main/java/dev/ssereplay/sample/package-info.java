/**
 * The sample application: an HTTP API to subscribe to, publish on, complete and
 * delete streams, a page that shows a stream live, and answers to prompts that a
 * fake model writes token by token into streams that end, with a page that
 * shows one and resumes it across a reload. With the {@code secure} profile,
 * users sign in and each reads streams of their own.
 */
package dev.ssereplay.sample;
