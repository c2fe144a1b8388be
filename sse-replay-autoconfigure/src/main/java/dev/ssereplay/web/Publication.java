package dev.ssereplay.web;

import java.util.concurrent.CompletionStage;

/**
 * A source being published to a stream by
 * {@link SseReplay#publishAll(String, org.reactivestreams.Publisher)}: each
 * element becomes an event, and the stream is completed when the source ends.
 * <p>
 * Thread-safe.
 */
public interface Publication {

	/**
	 * Returns the stream the source is published to.
	 * @return the stream name
	 */
	String stream();

	/**
	 * Stops the source and completes the stream with reason {@code cancelled}:
	 * clients receive what was published so far and the final event. Does
	 * nothing once the stream has ended.
	 */
	void cancel();

	/**
	 * Returns the id of the stream's final event, once it is published: the
	 * source completed, failed or was cancelled. Completes exceptionally when the
	 * final event could not be published (the store was unavailable, or the
	 * stream had been ended by someone else), and with
	 * {@link dev.ssereplay.store.StreamCompletedException} when the stream was
	 * deleted while the source was being published: the deletion stops it.
	 * @return the id of the final event
	 */
	CompletionStage<String> whenEnded();

}
