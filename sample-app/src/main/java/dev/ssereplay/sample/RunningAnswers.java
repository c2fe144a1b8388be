package dev.ssereplay.sample;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.ssereplay.web.Publication;

/**
 * The answers being written, by stream. Each is forgotten once its stream has
 * ended, so the map holds only what runs.
 * <p>
 * Thread-safe.
 */
@Component
class RunningAnswers {

	private static final Logger logger = LoggerFactory.getLogger(RunningAnswers.class);

	private final Map<String, Publication> running = new ConcurrentHashMap<>();

	/**
	 * Keeps an answer until its stream ends.
	 * @param publication the answer being written
	 */
	void add(Publication publication) {
		String stream = publication.stream();
		// Put before the callback is added: an answer that has already ended is
		// removed at once rather than left behind.
		this.running.put(stream, publication);
		publication.whenEnded().whenComplete((id, ex) -> {
			this.running.remove(stream, publication);
			if (ex != null) {
				logger.warn("The answer on stream '{}' did not end with its final event: {}", stream, ex.toString());
			}
		});
	}

	/**
	 * Returns the answer being written to a stream.
	 * @param stream the stream name
	 * @return the answer, or {@code null} when none is being written to it
	 */
	Publication get(String stream) {
		return this.running.get(stream);
	}

	/**
	 * Stops the answer being written to a stream, if there is one.
	 * @param stream the stream name
	 * @return a stage that completes once no answer is being written to the
	 * stream
	 */
	CompletionStage<Void> stop(String stream) {
		Publication publication = this.running.get(stream);
		if (publication == null) {
			return CompletableFuture.completedFuture(null);
		}
		publication.cancel();
		return publication.whenEnded().handle((id, ex) -> null);
	}

}
