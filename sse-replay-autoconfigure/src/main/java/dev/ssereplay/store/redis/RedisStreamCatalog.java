package dev.ssereplay.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ssereplay.event.EventId;
import dev.ssereplay.store.StreamPage;
import dev.ssereplay.store.StreamStatus;
import dev.ssereplay.store.StreamSummary;

/**
 * Describes the streams the store holds in Redis, for
 * {@link RedisReplayStore#summary} and {@link RedisReplayStore#streams}: one
 * stream from its meta key, or a page of them found by a SCAN over the meta
 * keys (on Redis Cluster over every master in turn, see {@link ListingCursor})
 * and described by one pipelined script. Only reads: a stream that has no
 * lifetime is not started by being described.
 * <p>
 * Thread-safe: holds no state of its own.
 */
final class RedisStreamCatalog {

	private final ScriptRunner scripts;

	private final RedisKeys keys;

	RedisStreamCatalog(ScriptRunner scripts, RedisKeys keys) {
		this.scripts = scripts;
		this.keys = keys;
	}

	/**
	 * Describes one stream.
	 * @param stream a valid stream name
	 * @return the summary, or {@code null} when the stream has no lifetime
	 */
	StreamSummary summary(String stream) {
		List<Object> reply = this.scripts.run(RedisScript.SUMMARY, "describe stream '" + stream + "'",
				this.keys.of(stream));
		return summary(stream, reply);
	}

	/**
	 * Lists streams in the order of the SCAN; a page's {@code next} is the
	 * listing's cursor.
	 * @param from a {@code next} of an earlier page, or {@code null} for the start
	 * @param limit the count each SCAN step is asked for, positive
	 * @throws IllegalArgumentException when {@code from} is not a {@code next}
	 * this listing returned
	 */
	StreamPage streams(String from, int limit) {
		String cursor = (from != null) ? from : ListingCursor.START;
		List<String> streams = new ArrayList<>();
		// A scan step may find nothing and still not be the last: go on until the
		// page has something or the scan is over.
		do {
			Map.Entry<String, List<byte[]>> step = this.scripts.scan("list streams", cursor, this.keys.metaPattern(),
					limit);
			cursor = step.getKey();
			for (byte[] key : step.getValue()) {
				String stream = this.keys.streamOfMeta(key);
				if (stream != null) {
					streams.add(stream);
				}
			}
		}
		while (streams.isEmpty() && !cursor.equals(ListingCursor.START));
		List<byte[][]> streamKeys = new ArrayList<>(streams.size());
		for (String stream : streams) {
			streamKeys.add(this.keys.of(stream));
		}
		List<Object> replies = streams.isEmpty() ? List.of()
				: this.scripts.runEach(RedisScript.SUMMARY, "describe " + streams.size() + " streams", streamKeys);
		List<StreamSummary> summaries = new ArrayList<>(streams.size());
		for (int i = 0; i < streams.size(); i++) {
			if (replies.get(i) instanceof List<?> reply) {
				StreamSummary summary = summary(streams.get(i), reply);
				if (summary != null) {
					summaries.add(summary);
				}
			}
		}
		return new StreamPage(summaries, cursor.equals(ListingCursor.START) ? null : cursor);
	}

	private StreamSummary summary(String stream, List<?> reply) {
		if (reply.isEmpty()) {
			return null;
		}
		long epoch = this.keys.epoch(stream, reply.get(0));
		long end = (Long) reply.get(2);
		StreamStatus status = new StreamStatus(new EventId(epoch, (Long) reply.get(1)),
				(end != 0) ? new EventId(epoch, end) : null, (Long) reply.get(3) == 1L);
		return new StreamSummary(stream, status, (Long) reply.get(4), -1);
	}

}
