package dev.ssereplay.broker;

import java.util.Arrays;

/**
 * The frames one writer run collects for its connection, written together with
 * one flush, and what they count for: live deliveries, replayed events, a
 * heartbeat. Confined to the writer that fills it.
 */
final class FrameBatch {

	private byte[] single;

	private byte[][] frames;

	private int count;

	private int size;

	private int live;

	private int replayed;

	private boolean heartbeat;

	/**
	 * Adds a live event's frame.
	 */
	void addLive(byte[] frame) {
		add(frame);
		this.live++;
	}

	/**
	 * Adds a frame read from the store.
	 */
	void addReplayed(byte[] frame) {
		add(frame);
		this.replayed++;
	}

	/**
	 * Adds a heartbeat, unless something else is written anyway.
	 */
	void addHeartbeatIfEmpty(byte[] frame) {
		if (this.count == 0) {
			add(frame);
			this.heartbeat = true;
		}
	}

	/**
	 * Adds a frame that is neither an event nor a heartbeat: the priming block,
	 * a retry field, a resync event.
	 */
	void add(byte[] frame) {
		if (this.count == 0) {
			this.single = frame;
		}
		else {
			if (this.frames == null) {
				this.frames = new byte[16][];
				this.frames[0] = this.single;
			}
			else if (this.count == this.frames.length) {
				this.frames = Arrays.copyOf(this.frames, this.count * 2);
			}
			this.frames[this.count] = frame;
		}
		this.count++;
		this.size += frame.length;
	}

	boolean isEmpty() {
		return this.count == 0;
	}

	/**
	 * Returns the bytes collected so far.
	 */
	int size() {
		return this.size;
	}

	int live() {
		return this.live;
	}

	int replayed() {
		return this.replayed;
	}

	boolean heartbeat() {
		return this.heartbeat;
	}

	/**
	 * Counts what the batch held, once it is written.
	 */
	void countWritten(BrokerStatistics statistics) {
		if (this.live > 0) {
			statistics.delivered(this.live);
		}
		if (this.replayed > 0) {
			statistics.replayed(this.replayed);
		}
		if (this.heartbeat) {
			statistics.heartbeat();
		}
	}

	/**
	 * Returns the frames as one array, without copying when there is only one.
	 */
	byte[] bytes() {
		if (this.count == 1) {
			return this.single;
		}
		byte[] joined = new byte[this.size];
		int at = 0;
		for (int i = 0; i < this.count; i++) {
			System.arraycopy(this.frames[i], 0, joined, at, this.frames[i].length);
			at += this.frames[i].length;
		}
		return joined;
	}

}
