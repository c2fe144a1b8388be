package dev.ssereplay.store.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the store's Lua scripts, with the shared functions in front of it, and
 * the SHA-1 digest Redis knows it by once loaded.
 *
 * @param name the file name, for messages
 * @param text the whole script as sent with EVAL
 * @param sha1 the digest used with EVALSHA
 */
record RedisScript(String name, byte[] text, String sha1) {

	static final RedisScript APPEND = load("append.lua");

	static final RedisScript APPEND_BATCH = load("append_batch.lua");

	static final RedisScript READ = load("read.lua");

	static final RedisScript HEAD = load("head.lua");

	static final RedisScript TOUCH = load("touch.lua");

	static final RedisScript DELETE = load("delete.lua");

	static final RedisScript SUMMARY = load("summary.lua");

	private static RedisScript load(String name) {
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		read("functions.lua", text);
		read(name, text);
		byte[] bytes = text.toByteArray();
		try {
			return new RedisScript(name, bytes, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	private static void read(String resource, ByteArrayOutputStream into) {
		try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Script " + resource + " is missing from the class path");
			}
			in.transferTo(into);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read script " + resource, ex);
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

}
