package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;

import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.StreamNames;

/**
 * The names the store uses in Redis. Both keys of a stream share the hash tag
 * {@code {<stream>}}, so a script that touches them runs on one Redis Cluster
 * node: {@code <prefix>{orders}:meta} and {@code <prefix>{orders}:log}. Live
 * events go to the channel {@code <prefix>{orders}:live}; an instance subscribes
 * to the channels of the streams it follows, or to the pattern that matches the
 * channels of all streams.
 */
final class RedisKeys {

	private static final String META = "}:meta";

	private static final String LOG = "}:log";

	private static final String LIVE = "}:live";

	private static final String KEY = "}:key:";

	private final String prefix;

	private final byte[] channelStart;

	RedisKeys(String prefix) {
		if (prefix == null) {
			throw new IllegalArgumentException("The key prefix must not be null");
		}
		if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("The key prefix '" + prefix + "' must not contain '{' or '}': the "
					+ "store puts each stream's name in braces as the Redis Cluster hash tag");
		}
		this.prefix = prefix;
		this.channelStart = bytes(prefix + "{");
	}

	String prefix() {
		return this.prefix;
	}

	/**
	 * Returns the keys of a stream in the order the scripts expect them.
	 */
	byte[][] of(String stream) {
		return new byte[][] { bytes(this.prefix + "{" + stream + META), bytes(this.prefix + "{" + stream + LOG) };
	}

	/**
	 * Returns the keys of a stream's history and of one idempotency key, in one
	 * slot: meta, log, key.
	 */
	byte[][] of(String stream, IdempotencyKey key) {
		return new byte[][] { bytes(this.prefix + "{" + stream + META), bytes(this.prefix + "{" + stream + LOG),
				bytes(this.prefix + "{" + stream + KEY + key.value()) };
	}

	byte[] channel(String stream) {
		return bytes(this.prefix + "{" + stream + LIVE);
	}

	/**
	 * Returns the pattern that matches the channel of every stream, with glob
	 * characters in the prefix escaped so that they match only themselves.
	 */
	String pattern() {
		return pattern(LIVE);
	}

	/**
	 * Returns the pattern that matches the meta key of every stream, escaped as
	 * {@link #pattern()} is.
	 */
	String metaPattern() {
		return pattern(META);
	}

	private String pattern(String suffix) {
		StringBuilder pattern = new StringBuilder(this.prefix.length() + 8);
		for (int i = 0; i < this.prefix.length(); i++) {
			char c = this.prefix.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				pattern.append('\\');
			}
			pattern.append(c);
		}
		return pattern.append('{').append('*').append(suffix).toString();
	}

	/**
	 * Returns the stream a channel belongs to.
	 * @return the stream name, or {@code null} when the channel is not one of ours
	 */
	String streamOf(byte[] channel) {
		return streamOf(channel, LIVE);
	}

	/**
	 * Returns the stream a meta key belongs to.
	 * @return the stream name, or {@code null} when the key is not one of ours
	 */
	String streamOfMeta(byte[] key) {
		return streamOf(key, META);
	}

	private String streamOf(byte[] name, String suffix) {
		int end = name.length - suffix.length();
		if (end <= this.channelStart.length) {
			return null;
		}
		for (int i = 0; i < this.channelStart.length; i++) {
			if (name[i] != this.channelStart[i]) {
				return null;
			}
		}
		for (int i = 0; i < suffix.length(); i++) {
			if (name[end + i] != suffix.charAt(i)) {
				return null;
			}
		}
		String stream = new String(name, this.channelStart.length, end - this.channelStart.length,
				StandardCharsets.US_ASCII);
		return StreamNames.isValid(stream) ? stream : null;
	}

	/**
	 * Decodes the epoch a script answered from a stream's meta key.
	 * @throws IllegalStateException when the key holds something this store did
	 * not write
	 */
	long epoch(String stream, Object value) {
		String text = new String((byte[]) value, StandardCharsets.US_ASCII);
		try {
			return Long.parseLong(text, 36);
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("Redis key " + new String(of(stream)[0], StandardCharsets.UTF_8)
					+ " holds epoch '" + text + "', which this store did not write", ex);
		}
	}

	/**
	 * Encodes an epoch as the scripts store it.
	 */
	static byte[] epoch(long epoch) {
		return bytes(Long.toString(epoch, 36));
	}

	/**
	 * Encodes a number as a script argument.
	 */
	static byte[] number(long value) {
		return bytes(Long.toString(value));
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
