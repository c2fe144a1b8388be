package dev.ssereplay.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.junit.jupiter.api.Test;

import org.springframework.web.context.request.async.DeferredResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several frames written in turn to a non-blocking output stream that, like
 * Tomcat's, takes no write while it is not ready.
 */
class ServletOutputTests {

	private final FillingOutputStream stream = new FillingOutputStream();

	private final DeferredResult<Object> result = new DeferredResult<>();

	private final AtomicInteger socketCloses = new AtomicInteger();

	private final ServletOutput output = new ServletOutput(this.stream, this.result,
			this.socketCloses::incrementAndGet);

	ServletOutputTests() {
		this.output.listen(() -> {
		}, (ex) -> {
		});
	}

	@Test
	void framesThatFitAreWrittenInTurnAndFlushedOnce() throws IOException {
		assertThat(this.output.isWritable()).isTrue();
		this.output.write(frames("a", "b", "c"), 3);
		assertThat(this.stream.text()).isEqualTo("abc");
		assertThat(this.stream.writes).isEqualTo(3);
		assertThat(this.stream.flushes).isEqualTo(1);
	}

	@Test
	void framesLeftWhenTheContainerStopsTakingThemAreWrittenFirstOnceItCan() throws IOException {
		assertThat(this.output.isWritable()).isTrue();
		this.stream.readyFor(2);
		this.output.write(frames("aa", "bb", "cc", "dd"), 4);
		assertThat(this.stream.text()).isEqualTo("aa");
		assertThat(this.output.isWritable()).isFalse();
		this.stream.ready = true;
		assertThat(this.output.isWritable()).isTrue();
		assertThat(this.stream.text()).isEqualTo("aabbccdd");
		assertThat(this.stream.flushes).isEqualTo(1);
		this.output.write(frames("ee", "ff"), 2);
		assertThat(this.stream.text()).isEqualTo("aabbccddeeff");
	}

	@Test
	void framesLeftGoWithTheEndWhenTheContainerCanTakeThem() throws IOException {
		assertThat(this.output.isWritable()).isTrue();
		this.stream.readyFor(1);
		this.output.write(frames("a", "b"), 2);
		this.stream.ready = true;
		this.output.complete();
		assertThat(this.stream.text()).isEqualTo("ab");
		assertThat(this.result.hasResult()).isTrue();
		// It was behind when the end was asked for.
		assertThat(this.socketCloses).hasValue(1);
	}

	@Test
	void aClientBehindAtTheEndLosesOnlyWholeFramesAndItsSocketIsClosed() throws IOException {
		assertThat(this.output.isWritable()).isTrue();
		this.stream.readyFor(1);
		this.output.write(frames("a", "b"), 2);
		this.output.complete();
		assertThat(this.stream.text()).isEqualTo("a");
		assertThat(this.result.hasResult()).isTrue();
		assertThat(this.socketCloses).hasValue(1);
	}

	private static byte[][] frames(String... texts) {
		byte[][] frames = new byte[texts.length + 2][];
		for (int i = 0; i < texts.length; i++) {
			frames[i] = texts[i].getBytes(StandardCharsets.UTF_8);
		}
		return frames;
	}

	/**
	 * A non-blocking stream that stops being ready once it took a given number of
	 * bytes, and then refuses writes and flushes.
	 */
	static final class FillingOutputStream extends ServletOutputStream {

		private final ByteArrayOutputStream written = new ByteArrayOutputStream();

		volatile boolean ready = true;

		private int readyFor = Integer.MAX_VALUE;

		int writes;

		int flushes;

		void readyFor(int bytes) {
			this.readyFor = bytes;
		}

		@Override
		public boolean isReady() {
			return this.ready;
		}

		@Override
		public void setWriteListener(WriteListener listener) {
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			if (!this.ready) {
				throw new IllegalStateException("Not ready for a write");
			}
			this.written.write(bytes, offset, length);
			this.writes++;
			this.readyFor -= length;
			if (this.readyFor <= 0) {
				this.ready = false;
				this.readyFor = Integer.MAX_VALUE;
			}
		}

		@Override
		public void flush() {
			if (!this.ready) {
				throw new IllegalStateException("Not ready for a flush");
			}
			this.flushes++;
		}

		String text() {
			return this.written.toString(StandardCharsets.UTF_8);
		}

	}

}
