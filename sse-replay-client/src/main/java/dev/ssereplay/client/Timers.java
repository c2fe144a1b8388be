package dev.ssereplay.client;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread that all clients share for reconnection delays and read
 * timeouts. Its tasks change state, start requests (which does not block) and report
 * timeouts to listeners (which must not block), so one thread serves any number of
 * clients.
 */
final class Timers {

	private Timers() {
	}

	static ScheduledExecutorService scheduler() {
		return Holder.SCHEDULER;
	}

	private static final class Holder {

		static final ScheduledExecutorService SCHEDULER = create();

		private static ScheduledExecutorService create() {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "sse-replay-client-timer");
				thread.setDaemon(true);
				return thread;
			});
			// Read timeouts are cancelled far more often than they fire.
			executor.setRemoveOnCancelPolicy(true);
			return executor;
		}

	}

}
