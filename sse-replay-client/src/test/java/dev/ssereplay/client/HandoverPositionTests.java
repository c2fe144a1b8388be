package dev.ssereplay.client;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The position moves to a block once every taker took it or let it go, and never
 * past a block before that.
 */
class HandoverPositionTests {

	private final HandoverPosition position = new HandoverPosition("0");

	@Test
	void aBlockWithoutTakersWaitsOnlyForTheBlocksBeforeIt() {
		HandoverPosition.Block first = block("1");
		this.position.add(first, 2);
		this.position.add(block("2"), 0);
		assertThat(this.position.lastEventId()).isEqualTo("0");
		this.position.taken(first);
		assertThat(this.position.lastEventId()).isEqualTo("0");
		this.position.taken(first);
		assertThat(this.position.lastEventId()).isEqualTo("2");
		this.position.add(block("3"), 0);
		assertThat(this.position.lastEventId()).isEqualTo("3");
	}

	@Test
	void aTakerThatEndsLetsThePositionPassWhatItWillNotTake() {
		HandoverPosition.Block first = block("1");
		HandoverPosition.Block second = block("2");
		this.position.add(first, 2);
		this.position.add(second, 1);
		this.position.release(List.of(first, second));
		assertThat(this.position.lastEventId()).isEqualTo("0");
		this.position.taken(first);
		assertThat(this.position.lastEventId()).isEqualTo("2");
	}

	private static HandoverPosition.Block block(String id) {
		return new HandoverPosition.Block(id, new SseEvent(id, "message", "x"));
	}

}
