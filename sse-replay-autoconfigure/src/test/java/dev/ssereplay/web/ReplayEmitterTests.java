package dev.ssereplay.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.broker.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The emitter as a connection: when it may be written, what a write and a close
 * do to the response, and what its public emitter API does.
 */
class ReplayEmitterTests {

	private final ReplayEmitter emitter = new ReplayEmitter(null, (ex) -> {
		throw ex;
	});

	private final FakeSubscription subscription = new FakeSubscription();

	private final AtomicInteger writable = new AtomicInteger();

	private final FakeOutput output = new FakeOutput();

	private final DeferredResult<Object> result = new DeferredResult<>();

	private final MockAsyncContext asyncContext = new MockAsyncContext(new MockHttpServletRequest(),
			new MockHttpServletResponse());

	// How many times the socket was to be closed after the grace.
	private final AtomicInteger closeSocket = new AtomicInteger();

	ReplayEmitterTests() {
		this.emitter.subscription(this.subscription);
		this.emitter.onWritable(this.writable::incrementAndGet);
	}

	@Test
	void nothingIsWritableBeforeTheResponseIsHandled() throws IOException {
		assertThat(this.emitter.isWritable()).isFalse();
	}

	@Test
	void writesOnlyWhenTheContainerCanTakeThemAndRunsTheCallbackWhenItCan() throws IOException {
		attach();
		assertThat(this.output.listener).isNotNull();
		this.output.ready = false;
		assertThat(this.emitter.isWritable()).isFalse();
		int runs = this.writable.get();
		this.output.listener.onWritePossible();
		assertThat(this.writable).hasValue(runs + 1);
		this.output.ready = true;
		assertThat(this.emitter.isWritable()).isTrue();
		this.emitter.write(bytes("data: one\n\n"));
		assertThat(this.output.written()).isEqualTo("data: one\n\n");
		assertThat(this.output.flushes).isEqualTo(1);
	}

	@Test
	void theOutputIsNotTouchedWhileItsListenerIsRegisteredAndTheWriterRunsOnceItIs() throws IOException {
		List<Boolean> writableMeanwhile = new ArrayList<>();
		// A writer that runs on another thread while the request thread registers
		// the listener must not use the response.
		this.output.whileRegistering = () -> {
			try {
				writableMeanwhile.add(this.emitter.isWritable());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
		attach();
		assertThat(writableMeanwhile).containsExactly(false);
		assertThat(this.writable).as("the writer is run once the listener is in place").hasValue(1);
		assertThat(this.emitter.isWritable()).isTrue();
	}

	@Test
	void aWriteTheContainerCouldNotSendYetIsFlushedOnceItCan() throws IOException {
		attach();
		this.output.readyAfterWrite = false;
		this.emitter.write(bytes("data: one\n\n"));
		assertThat(this.output.flushes).as("no flush while not ready").isZero();
		assertThat(this.emitter.isWritable()).isFalse();
		this.output.ready = true;
		assertThat(this.emitter.isWritable()).isTrue();
		assertThat(this.output.flushes).isEqualTo(1);
		assertThat(this.emitter.isWritable()).isTrue();
		assertThat(this.output.flushes).as("flushed once").isEqualTo(1);
	}

	@Test
	void aContainerWithoutNonBlockingOutputIsWrittenBlocking() throws IOException {
		this.output.supportsListener = false;
		attach();
		assertThat(this.writable).as("the writer is told it can write").hasValue(1);
		this.output.ready = false;
		assertThat(this.emitter.isWritable()).isTrue();
		this.emitter.write(bytes("data: one\n\n"));
		assertThat(this.output.flushes).isEqualTo(1);
	}

	@Test
	void closingEndsTheAsynchronousResult() {
		attach();
		this.emitter.close();
		assertThat(this.result.hasResult()).isTrue();
		assertThat(this.result.getResult()).isNull();
	}

	@Test
	void closedBeforeTheResponseIsHandledEndsItAsSoonAsItIs() {
		this.emitter.close();
		attach();
		assertThat(this.result.hasResult()).isTrue();
		assertThat(this.output.listener).as("nothing more is written").isNull();
	}

	@Test
	void aSlowConnectionTheBrokerEndsHasItsSocketClosedAfterTheGraceEvenWhenTheNetworkTookEverything()
			throws IOException {
		attach();
		this.emitter.write(bytes("data: one\n\n"));
		this.emitter.close(CloseReason.SLOW);
		assertThat(this.closeSocket).hasValue(1);
		assertThat(this.result.hasResult()).isTrue();
	}

	@Test
	void aStreamThatEndedOrExpiredLeavesTheSocketOfAClientThatKeepsUpOpen() throws IOException {
		attach();
		this.emitter.write(bytes("data: one\n\n"));
		this.emitter.close(CloseReason.COMPLETED);
		assertThat(this.closeSocket).hasValue(0);
		assertThat(this.result.hasResult()).isTrue();
	}

	@Test
	void aStreamTheApplicationEndsLeavesTheSocketOfAClientThatKeepsUpOpen() throws IOException {
		attach();
		this.emitter.write(bytes("data: one\n\n"));
		this.emitter.complete();
		// The broker then ends the connection.
		this.emitter.close(CloseReason.CANCELLED);
		assertThat(this.closeSocket).hasValue(0);
		assertThat(this.result.hasResult()).isTrue();
	}

	@Test
	void aStreamTheApplicationEndsWhileItsClientIsBehindHasItsSocketClosedAfterTheGrace() throws IOException {
		attach();
		this.output.readyAfterWrite = false;
		this.emitter.write(bytes("data: one\n\n"));
		this.emitter.complete();
		this.emitter.close(CloseReason.CANCELLED);
		assertThat(this.closeSocket).hasValue(1);
	}

	@Test
	void aClientThatCaughtUpIsNoLongerBehind() throws IOException {
		attach();
		this.output.readyAfterWrite = false;
		this.emitter.write(bytes("data: one\n\n"));
		this.output.ready = true;
		assertThat(this.emitter.isWritable()).isTrue();
		this.emitter.complete();
		this.emitter.close(CloseReason.CANCELLED);
		assertThat(this.closeSocket).hasValue(0);
	}

	@Test
	void aResponseTheContainerEndedLeavesItsSocketToTheContainer() {
		attach();
		this.output.listener.onError(new IOException("Broken pipe"));
		this.emitter.close(CloseReason.SLOW);
		assertThat(this.closeSocket).hasValue(0);
	}

	@Test
	void aStreamEndedBeforeItsResponseWasHandledLeavesTheSocketOpen() {
		this.emitter.close(CloseReason.SLOW);
		attach();
		assertThat(this.closeSocket).hasValue(0);
	}

	@Test
	void aContainerWithoutNonBlockingOutputHasNoSocketToClose() {
		this.output.supportsListener = false;
		attach();
		this.emitter.close(CloseReason.SLOW);
		assertThat(this.closeSocket).hasValue(0);
		assertThat(this.result.hasResult()).isTrue();
	}

	@Test
	void aWriteAfterTheResponseCompletedFailsWithAnIoException() {
		attach();
		this.output.completed = true;
		assertThatIOException().isThrownBy(() -> this.emitter.write(bytes("data: late\n\n")))
			.withMessageContaining("completed");
		assertThatIOException().isThrownBy(this.emitter::isWritable);
	}

	@Test
	void containerErrorsAndTimeoutsEndTheSubscriptionAndReachTheApplicationsCallbacks() {
		AtomicInteger timeouts = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		this.emitter.onTimeout(timeouts::incrementAndGet);
		this.emitter.onError((ex) -> errors.incrementAndGet());
		attach();
		this.output.listener.onError(new IOException("Broken pipe"));
		assertThat(errors).hasValue(1);
		assertThat(this.subscription.disconnected).hasValue(1);
		assertThat(timeouts).hasValue(0);
	}

	@Test
	void anApplicationCallbackThatThrowsDoesNotReachTheContainerAndIsReported() {
		List<RuntimeException> reported = new ArrayList<>();
		ReplayEmitter reporting = new ReplayEmitter(null, reported::add);
		reporting.subscription(this.subscription);
		reporting.onError((ex) -> {
			throw new IllegalStateException("broken callback");
		});
		reporting.prepare(this.result);
		reporting.attach(this.output, this.result, this.asyncContext, this.closeSocket::incrementAndGet);
		this.output.listener.onError(new IOException("Broken pipe"));
		assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("broken callback");
		assertThat(this.subscription.disconnected).hasValue(1);
	}

	@Test
	void aFailedWriteCompletesTheRequestAfterTheApplicationsCallback() {
		List<String> order = new ArrayList<>();
		this.emitter.onError((ex) -> order.add("callback"));
		attach();
		this.asyncContext.addListener(new AsyncListener() {

			@Override
			public void onComplete(AsyncEvent event) {
				order.add("completed");
			}

			@Override
			public void onTimeout(AsyncEvent event) {
			}

			@Override
			public void onError(AsyncEvent event) {
			}

			@Override
			public void onStartAsync(AsyncEvent event) {
			}

		});
		this.output.listener.onError(new IOException("Broken pipe"));
		assertThat(order).containsExactly("callback", "completed");
		assertThat(this.subscription.disconnected).hasValue(1);
		// Completing it once more, as a container that ends it itself does, is harmless.
		this.emitter.close();
		assertThat(order).containsExactly("callback", "completed");
	}

	@Test
	void afterAContainerErrorClosingLeavesTheResponseToTheContainer() throws IOException {
		attach();
		this.output.listener.onError(new IOException("Broken pipe"));
		this.emitter.close();
		assertThat(this.result.hasResult()).as("an application thread may not dispatch after an error").isFalse();
		assertThatIOException().isThrownBy(this.emitter::isWritable);
	}

	@Test
	void sendIsRejectedSoEveryEventIsStoredAndResumable() {
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.emitter.send("x"))
			.withMessageContaining("SseReplay.publish");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.emitter.send(SseEmitter.event().data("x")));
	}

	@Test
	void completeEndsTheSubscriptionThroughTheBroker() {
		this.emitter.complete();
		assertThat(this.subscription.cancelled).hasValue(1);
		this.emitter.completeWithError(new IllegalStateException("done"));
		assertThat(this.subscription.cancelled).hasValue(2);
	}

	private void attach() {
		this.emitter.prepare(this.result);
		this.emitter.attach(this.output, this.result, this.asyncContext, this.closeSocket::incrementAndGet);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * An output stream that is ready or not as the test says, like a servlet
	 * container's in non-blocking mode.
	 */
	private static final class FakeOutput extends ServletOutputStream {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		WriteListener listener;

		boolean supportsListener = true;

		Runnable whileRegistering = () -> {
		};

		boolean ready = true;

		boolean readyAfterWrite = true;

		boolean completed;

		int flushes;

		@Override
		public boolean isReady() {
			checkOpen();
			return this.ready;
		}

		@Override
		public void setWriteListener(WriteListener writeListener) {
			if (!this.supportsListener) {
				throw new UnsupportedOperationException();
			}
			this.whileRegistering.run();
			this.listener = writeListener;
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			checkOpen();
			if (this.listener != null && !this.ready) {
				throw new IllegalStateException("not ready");
			}
			this.bytes.write(b, off, len);
			this.ready = this.readyAfterWrite;
		}

		@Override
		public void flush() {
			checkOpen();
			if (this.listener != null && !this.ready) {
				throw new IllegalStateException("not ready");
			}
			this.flushes++;
		}

		String written() {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}

		private void checkOpen() {
			if (this.completed) {
				throw new IllegalStateException("completed");
			}
		}

	}

	private static final class FakeSubscription implements Subscription {

		final AtomicInteger disconnected = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();

		@Override
		public String stream() {
			return "fake";
		}

		@Override
		public boolean isActive() {
			return true;
		}

		@Override
		public void disconnected() {
			this.disconnected.incrementAndGet();
		}

		@Override
		public void cancel() {
			this.cancelled.incrementAndGet();
		}

	}

}
