package dev.ssereplay.web;

import java.io.IOException;
import java.util.Set;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Connection;

/**
 * Writes pre-formatted event-stream bytes to an {@link SseEmitter}, bypassing
 * its own formatting: each call is one write and one flush.
 */
final class SseEmitterConnection implements Connection {

	private final SseEmitter emitter;

	SseEmitterConnection(SseEmitter emitter) {
		this.emitter = emitter;
	}

	@Override
	public void write(byte[] frames) throws IOException {
		try {
			this.emitter.send(Set.of(new DataWithMediaType(frames, MediaType.TEXT_EVENT_STREAM)));
		}
		catch (IllegalStateException ex) {
			// The emitter completed (timeout, client gone) before the write.
			throw new IOException("Connection already completed", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.emitter.complete();
		}
		catch (RuntimeException ex) {
			// Already completed or failed; nothing is left to end.
		}
	}

}
