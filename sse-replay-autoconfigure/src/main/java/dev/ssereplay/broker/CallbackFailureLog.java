package dev.ssereplay.broker;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs the failures of application code that sse-replay calls and
 * isolates: the first failure of each kind of {@link Callback} is logged as a
 * warning with its stack trace, later ones at most once a minute, and the rest
 * at debug level.
 * <p>
 * Thread-safe.
 */
final class CallbackFailureLog implements SubscriberContext.CallbackFailures {

	private static final Logger logger = LoggerFactory.getLogger(Broker.class);

	private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private final BrokerStatistics statistics;

	private final LogInterval[] logIntervals = new LogInterval[Callback.values().length];

	/**
	 * Creates a log that counts in the given statistics.
	 * @param statistics where failures are counted
	 */
	CallbackFailureLog(BrokerStatistics statistics) {
		this.statistics = statistics;
		for (int i = 0; i < this.logIntervals.length; i++) {
			this.logIntervals[i] = new LogInterval(LOG_INTERVAL);
		}
	}

	@Override
	public void failed(Callback callback, String stream, RuntimeException ex) {
		this.statistics.callbackFailed(callback);
		if (this.logIntervals[callback.ordinal()].due()) {
			logger.warn("A {} failed for stream '{}'; delivery to everyone else goes on ({} such failures so far, "
					+ "counted in sse.replay.callback.failures)", callback.tag(), stream,
					this.statistics.getCallbackFailures(callback), ex);
		}
		else {
			logger.debug("A {} failed for stream '{}'", callback.tag(), stream, ex);
		}
	}

}
