package dev.ssereplay.web;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.junit.jupiter.api.Test;

import org.springframework.core.MethodParameter;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.async.StandardServletAsyncWebRequest;
import org.springframework.web.context.request.async.WebAsyncManager;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitterReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Subscription;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the handler starts an event stream, and what it does when that fails.
 */
class SseReplayReturnValueHandlerTests {

	private final SseReplayReturnValueHandler handler = new SseReplayReturnValueHandler(
			new ResponseBodyEmitterReturnValueHandler(List.of(new StringHttpMessageConverter())));

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/streams/s");

	private final AtomicInteger disconnected = new AtomicInteger();

	SseReplayReturnValueHandlerTests() {
		this.request.setAsyncSupported(true);
	}

	@Test
	void startsTheStreamWithItsHeadersSentAtOnce() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		ReplayEmitter emitter = emitter();
		AtomicInteger writable = new AtomicInteger();
		emitter.onWritable(writable::incrementAndGet);
		WebAsyncManager manager = handle(emitter, response);
		assertThat(manager.isConcurrentHandlingStarted()).isTrue();
		assertThat(response.getContentType()).isEqualTo("text/event-stream");
		assertThat(response.isCommitted()).as("headers sent before the first event").isTrue();
		// A mock output stream has no non-blocking mode: the emitter writes blocking.
		assertThat(writable).hasValue(1);
		emitter.write("data: x\n\n".getBytes());
		assertThat(response.getContentAsString()).isEqualTo("data: x\n\n");
	}

	@Test
	void aClientGoneWhileTheHeadersAreSentEndsTheRequestAndTheSubscription() throws Exception {
		HttpServletResponse response = new HttpServletResponseWrapper(new MockHttpServletResponse()) {
			@Override
			public void flushBuffer() throws IOException {
				throw new IOException("Broken pipe");
			}
		};
		WebAsyncManager manager = handle(emitter(), response);
		assertThat(this.disconnected).hasValue(1);
		assertThat(manager.hasConcurrentResult()).isTrue();
		assertThat(manager.getConcurrentResult()).isInstanceOf(IOException.class);
	}

	@Test
	void otherEmittersGoToSpringMvc() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		SseEmitter plain = new SseEmitter();
		handle(plain, response);
		plain.send("hello");
		assertThat(response.getContentAsString()).isEqualTo("data:hello\n\n");
	}

	private ReplayEmitter emitter() {
		ReplayEmitter emitter = new ReplayEmitter(-1L, (ex) -> {
			throw ex;
		});
		emitter.subscription(new Subscription() {

			@Override
			public String stream() {
				return "s";
			}

			@Override
			public boolean isActive() {
				return true;
			}

			@Override
			public void disconnected() {
				SseReplayReturnValueHandlerTests.this.disconnected.incrementAndGet();
			}

			@Override
			public void cancel() {
			}

		});
		return emitter;
	}

	private WebAsyncManager handle(SseEmitter emitter, HttpServletResponse response) throws Exception {
		StandardServletAsyncWebRequest webRequest = new StandardServletAsyncWebRequest(this.request, response);
		WebAsyncManager manager = WebAsyncUtils.getAsyncManager(this.request);
		manager.setAsyncWebRequest(webRequest);
		MethodParameter returnType = new MethodParameter(Streams.class.getDeclaredMethod("stream"), -1);
		assertThat(this.handler.supportsReturnType(returnType)).isTrue();
		this.handler.handleReturnValue(emitter, returnType, new ModelAndViewContainer(), webRequest);
		return manager;
	}

	static class Streams {

		SseEmitter stream() {
			return null;
		}

	}

}
