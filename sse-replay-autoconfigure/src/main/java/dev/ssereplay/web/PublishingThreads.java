package dev.ssereplay.web;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where sources given to {@link SseReplay#publishAll} are appended when the store
 * can wait: a few daemon threads shared by every publication, started when
 * needed and stopped after half a minute without work. Such an append can wait
 * on the store (Redis), so it runs neither on the source's thread, which may be
 * an event loop, nor on the caller's.
 */
final class PublishingThreads {

	static final Executor EXECUTOR = create();

	private PublishingThreads() {
	}

	private static Executor create() {
		int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "sse-replay-publish-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

}
