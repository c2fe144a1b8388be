package dev.ssereplay.client;

import java.util.ArrayDeque;
import java.util.Collection;

/**
 * The position of what the application was handed: the id of the last block whose
 * event every one of its takers took, blocks before it included. A block's takers
 * are the {@code Flow} subscriptions that were open when it arrived; the listener is
 * handed the event as the block is added, and a block without an event, or that no
 * subscription takes, waits only for the blocks before it. A taker that ends
 * releases the blocks it will not take, so that it no longer holds the position
 * back.
 *
 * <p>Touched only by the thread that runs the dispatcher's actions, except
 * {@link #lastEventId()}, which any thread may read.
 */
final class HandoverPosition {

	// Blocks in the order they were added, from the first that a taker has not taken
	// yet.
	private final ArrayDeque<Block> unhanded = new ArrayDeque<>();

	// Written only by the thread that runs the actions, read by any.
	private volatile String lastEventId;

	/**
	 * Creates a position.
	 * @param lastEventId where the application starts from, the empty string for
	 * nowhere
	 */
	HandoverPosition(String lastEventId) {
		this.lastEventId = lastEventId;
	}

	/**
	 * Returns the id of the last block handed over, and of every block before it.
	 */
	String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Adds a block after every block added before, and moves the position to it at
	 * once if nothing before it waits and it has no takers.
	 * @param block the block
	 * @param takers how many subscriptions have yet to take its event
	 */
	void add(Block block, int takers) {
		block.waiting = takers;
		this.unhanded.add(block);
		advance();
	}

	/**
	 * Records that one of a block's takers took its event.
	 */
	void taken(Block block) {
		block.waiting--;
		advance();
	}

	/**
	 * Lets the position pass the blocks a taker that ended will not take: it no
	 * longer counts as a part of the application that has to have them.
	 */
	void release(Collection<Block> blocks) {
		for (Block block : blocks) {
			block.waiting--;
		}
		advance();
	}

	private void advance() {
		Block block;
		String lastEventId = null;
		while ((block = this.unhanded.peek()) != null && block.waiting == 0) {
			this.unhanded.poll();
			lastEventId = block.lastEventId;
		}
		if (lastEventId != null) {
			this.lastEventId = lastEventId;
		}
	}

	/**
	 * A block on its way to the application, and how many takers have yet to take
	 * its event. Touched only by the thread that runs the actions.
	 */
	static final class Block {

		final String lastEventId;

		final SseEvent event;

		private int waiting;

		/**
		 * Creates a block.
		 * @param lastEventId the position once the block is handed over
		 * @param event the event to hand over, {@code null} for none
		 */
		Block(String lastEventId, SseEvent event) {
			this.lastEventId = lastEventId;
			this.event = event;
		}

	}

}
