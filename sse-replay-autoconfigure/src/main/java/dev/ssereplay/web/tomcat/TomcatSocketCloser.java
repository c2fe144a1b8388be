package dev.ssereplay.web.tomcat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.util.WebUtils;

import dev.ssereplay.web.SocketCloser;

/**
 * Closes the socket under an HTTP/1.1 event stream on Tomcat's NIO connector
 * (Spring Boot's default), a grace after the server ended the stream, when its
 * client may never read the end (see {@link SocketCloser}).
 * <p>
 * Tomcat sends the end of such a response once the client reads it; until then,
 * and after it as an idle keep-alive connection, it holds the connection until
 * its connection timeout. This closer takes hold of the connection's socket
 * when the stream starts and, once the grace has passed and Tomcat has finished
 * the stream's request, resets it unless it is closed or carries a new request
 * by then: a client that read the end and came back on the same connection
 * keeps it, while one that left it idle loses it as any idle connection can be
 * lost. A reset discards what the client never read, which it gets again by
 * resuming. The check runs on Tomcat's own utility executor, holding the
 * socket's lock as Tomcat does while it processes a socket; a socket that
 * Tomcat is still processing, or whose request it has not finished, is looked
 * at again shortly after.
 * <p>
 * The servlet API offers no way to the socket, so this reads three members of
 * Tomcat that are not public: the response of a {@link ResponseFacade}, the
 * processor of a coyote response and that processor's socket wrapper. When a
 * Tomcat version lacks them, or the server uses another connector or HTTP/2
 * (whose socket carries other streams), it closes nothing, says so once in the
 * log, and connections end at Tomcat's timeouts as before.
 */
public final class TomcatSocketCloser implements SocketCloser {

	private static final Logger logger = LoggerFactory.getLogger(TomcatSocketCloser.class);

	private static final Runnable NOTHING = () -> {
	};

	// How soon a socket is looked at again while Tomcat is still ending the
	// stream's request, doubling up to the maximum.
	private static final long FIRST_RETRY_MILLIS = 50;

	private static final long MAX_RETRY_MILLIS = 1000;

	private final long graceMillis;

	// Null when this Tomcat's internals are not as expected.
	private final Internals internals;

	private final AtomicBoolean unsupportedLogged = new AtomicBoolean();

	/**
	 * Creates a closer.
	 * @param grace how long the client has to read the end of its response; zero
	 * to close the socket at once
	 */
	public TomcatSocketCloser(Duration grace) {
		this.graceMillis = grace.toMillis();
		this.internals = Internals.find();
	}

	/**
	 * Whether sockets can be reached on this Tomcat.
	 * @return {@code false} when its internals differ from those this class knows,
	 * and nothing is ever closed
	 */
	public boolean isSupported() {
		return this.internals != null;
	}

	@Override
	public Runnable prepare(HttpServletResponse response) {
		ResponseFacade facade = WebUtils.getNativeResponse(response, ResponseFacade.class);
		if (facade == null || this.internals == null) {
			return NOTHING;
		}
		try {
			Response connectorResponse = this.internals.response(facade);
			Object processor = this.internals.processor(connectorResponse);
			if (!(processor instanceof Http11Processor http11)) {
				unsupported("HTTP/2, whose connection carries other streams");
				return NOTHING;
			}
			if (!(this.internals.socketWrapper(http11) instanceof NioSocketWrapper wrapper)) {
				unsupported("a connector other than NIO");
				return NOTHING;
			}
			ScheduledExecutorService scheduler = connectorResponse.getRequest()
				.getConnector()
				.getProtocolHandler()
				.getUtilityExecutor();
			SocketChannel channel = wrapper.getSocket().getIOChannel();
			if (scheduler == null || channel == null) {
				return NOTHING;
			}
			return new StalledSocket(wrapper, channel, http11.getRequest().getRequestId(), scheduler)::closeAfterGrace;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			unsupported("this Tomcat (" + ex + ")");
			return NOTHING;
		}
	}

	private void unsupported(String what) {
		if (this.unsupportedLogged.compareAndSet(false, true)) {
			logger.info("sse.replay.connection.close-grace does not apply with {}: a connection whose client stops "
					+ "reading ends at the server's timeouts", what);
		}
	}

	/**
	 * Where a stream's connection is, seen from its socket.
	 */
	private enum State {

		/**
		 * Tomcat is still ending the stream's request: closing now would leave it
		 * counted as in progress. Look again shortly.
		 */
		ENDING,

		/**
		 * Idle since the stream's end, or still sending the end to a client that
		 * does not read: close it.
		 */
		STALLED,

		/** Closed, or carrying a request after the stream's: leave it. */
		MOVED_ON

	}

	/**
	 * The socket of an event stream, from its start until it is closed or found to
	 * have moved on.
	 */
	private final class StalledSocket implements Runnable {

		private final NioSocketWrapper wrapper;

		// The channel, not Tomcat's NioChannel around it, which is reused for other
		// connections once this one closes.
		private final SocketChannel channel;

		// Tomcat's id of the stream's request, unique in the process.
		private final String requestId;

		private final ScheduledExecutorService scheduler;

		// How long until the next look while Tomcat is still ending the request. One
		// look at a time: each is scheduled by the one before.
		private long retryMillis = FIRST_RETRY_MILLIS;

		StalledSocket(NioSocketWrapper wrapper, SocketChannel channel, String requestId,
				ScheduledExecutorService scheduler) {
			this.wrapper = wrapper;
			this.channel = channel;
			this.requestId = requestId;
			this.scheduler = scheduler;
		}

		void closeAfterGrace() {
			schedule(TomcatSocketCloser.this.graceMillis);
		}

		@Override
		public void run() {
			if (this.wrapper.isClosed()) {
				return;
			}
			ReentrantLock lock = this.wrapper.getLock();
			State state = State.ENDING;
			// Not waiting: a container thread that holds the lock is processing the
			// socket, and this runs on Tomcat's utility executor.
			if (lock.tryLock()) {
				try {
					state = state();
					if (state == State.STALLED) {
						reset();
					}
				}
				finally {
					lock.unlock();
				}
			}
			if (state == State.ENDING) {
				long delay = this.retryMillis;
				this.retryMillis = Math.min(delay * 2, MAX_RETRY_MILLIS);
				schedule(delay);
			}
		}

		// Holding the lock: no container thread has taken the processor off the
		// socket, so a socket without one is idle.
		private State state() {
			if (this.wrapper.isClosed()) {
				return State.MOVED_ON;
			}
			Object processor = this.wrapper.getCurrentProcessor();
			if (processor == null) {
				return State.STALLED;
			}
			if (!(processor instanceof AbstractProcessor current)) {
				return State.MOVED_ON;
			}
			org.apache.coyote.Request request = current.getRequest();
			if (this.requestId.equals(request.getRequestId())) {
				return State.ENDING;
			}
			// Recycled (Tomcat ended the stream's request, and may still be sending its
			// end) until a new request starts on it.
			return (request.getStartTimeNanos() == -1) ? State.STALLED : State.MOVED_ON;
		}

		private void reset() {
			try {
				// Without a linger, the kernel would keep trying to send what the client
				// does not read.
				this.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
			}
			catch (IOException | RuntimeException ex) {
				// Closed meanwhile; closing the wrapper is all that is left.
			}
			this.wrapper.close();
			logger.debug("Closed the connection of {}:{}, which had not read the end of its event stream",
					this.wrapper.getRemoteAddr(), this.wrapper.getRemotePort());
		}

		private void schedule(long delayMillis) {
			try {
				this.scheduler.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Tomcat is stopping, and closes every connection itself.
			}
		}

	}

	/**
	 * The members of Tomcat that lead from a response to its socket, none of them
	 * public.
	 */
	private static final class Internals {

		private final Field facadeResponse;

		private final Field coyoteHook;

		private final Method socketWrapper;

		private Internals(Field facadeResponse, Field coyoteHook, Method socketWrapper) {
			this.facadeResponse = facadeResponse;
			this.coyoteHook = coyoteHook;
			this.socketWrapper = socketWrapper;
		}

		static Internals find() {
			try {
				Field facadeResponse = ResponseFacade.class.getDeclaredField("response");
				Field coyoteHook = org.apache.coyote.Response.class.getDeclaredField("hook");
				Method socketWrapper = AbstractProcessor.class.getDeclaredMethod("getSocketWrapper");
				facadeResponse.setAccessible(true);
				coyoteHook.setAccessible(true);
				socketWrapper.setAccessible(true);
				return new Internals(facadeResponse, coyoteHook, socketWrapper);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.info("sse.replay.connection.close-grace does not apply on this Tomcat ({}): a connection whose "
						+ "client stops reading ends at the server's timeouts", ex.toString());
				return null;
			}
		}

		Response response(ResponseFacade facade) throws IllegalAccessException {
			return (Response) this.facadeResponse.get(facade);
		}

		Object processor(Response response) throws IllegalAccessException {
			return this.coyoteHook.get(response.getCoyoteResponse());
		}

		SocketWrapperBase<?> socketWrapper(AbstractProcessor processor) throws ReflectiveOperationException {
			return (SocketWrapperBase<?>) this.socketWrapper.invoke(processor);
		}

	}

}
