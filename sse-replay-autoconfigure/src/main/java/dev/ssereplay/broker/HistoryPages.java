package dev.ssereplay.broker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;

/**
 * The pages of history one connection's writer reads from the store: one page
 * at a time, never waited for, and after a failed read not again for a second.
 * A page that is not there at once is left pending; its arrival wakes the
 * writer, which serves other connections meanwhile, so a slow store delays only
 * the connection that asked.
 * <p>
 * Confined to the writer, but for the time of the next retry, which the
 * housekeeping tick reads.
 */
final class HistoryPages {

	private static final Logger logger = LoggerFactory.getLogger(HistoryPages.class);

	private static final long RETRY_NANOS = 1_000_000_000L;

	private final ReplayStore store;

	private final String stream;

	private final int maxEvents;

	private final Runnable beforeAsking;

	private final Runnable onAnswer;

	// A page asked for and not written yet.
	private Pending pending;

	// When a read may be tried again after a failure, on the nanoTime scale; 0
	// while reads go through.
	private volatile long retryAtNanos;

	/**
	 * Creates the pages of one connection.
	 * @param maxEvents the most events a page holds
	 * @param beforeAsking run just before each read is sent: what arrived live
	 * until then is covered by the read
	 * @param onAnswer run when a pending page arrives, on the store's thread; it
	 * must only wake the writer
	 */
	HistoryPages(ReplayStore store, String stream, int maxEvents, Runnable beforeAsking, Runnable onAnswer) {
		this.store = store;
		this.stream = stream;
		this.maxEvents = maxEvents;
		this.beforeAsking = beforeAsking;
		this.onAnswer = onAnswer;
	}

	/**
	 * Writes the next page through the cursor: the page asked for before, when
	 * it has arrived, or one asked for now, when the store answers at once.
	 * @param maxBytes the most bytes the batch may hold after the page, but for
	 * one event when it is empty
	 * @return what the cursor says comes next, or {@code null} while the page is
	 * awaited or the read failed (it is tried again a second later)
	 */
	ReplayCursor.Next write(ReplayCursor cursor, int maxBytes, FrameBatch batch) {
		Pending read = this.pending;
		if (read == null) {
			long retryAt = this.retryAtNanos;
			if (retryAt != 0 && System.nanoTime() - retryAt < 0) {
				return null;
			}
			read = ask(cursor);
			if (!read.result().isDone()) {
				this.pending = read;
				read.result().whenComplete((result, failure) -> this.onAnswer.run());
				return null;
			}
		}
		else if (!read.result().isDone()) {
			return null;
		}
		this.pending = null;
		try {
			ReplayCursor.Next next = cursor.replay(read.result().join(), read.limit(), maxBytes, batch);
			this.retryAtNanos = 0;
			return next;
		}
		catch (RuntimeException ex) {
			// The store is unavailable: the connection stays (heartbeats go on), and
			// the read is tried again later.
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			logger.debug("Store read for stream '{}' failed; retrying", this.stream, cause);
			this.retryAtNanos = System.nanoTime() + RETRY_NANOS;
			return null;
		}
	}

	/**
	 * Whether the next page can be asked for now: none is awaited, and no failed
	 * read waits for its retry.
	 */
	boolean canAsk() {
		return this.pending == null && this.retryAtNanos == 0;
	}

	/**
	 * Whether a failed read is due to be tried again; may be called from any
	 * thread.
	 */
	boolean isRetryDue(long now) {
		long retryAt = this.retryAtNanos;
		return retryAt != 0 && now - retryAt >= 0;
	}

	private Pending ask(ReplayCursor cursor) {
		this.beforeAsking.run();
		int limit = cursor.pageLimit(this.maxEvents);
		CompletableFuture<ReadResult> result;
		try {
			result = this.store.readAfterAsync(this.stream, cursor.position(), limit);
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		return new Pending(result, limit);
	}

	/**
	 * A page asked of the store, and the page size asked for.
	 */
	private record Pending(CompletableFuture<ReadResult> result, int limit) {
	}

}
