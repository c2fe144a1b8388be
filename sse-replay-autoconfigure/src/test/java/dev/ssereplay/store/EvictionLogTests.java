package dev.ssereplay.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Evictions are counted by reason, and the byte bound's warning is logged the first
 * time and then at most once a minute.
 */
@ExtendWith(OutputCaptureExtension.class)
class EvictionLogTests {

	private static final String WARNING = "Replay store holds its maximum of 4096 bytes";

	private static final long START = 1_000_000;

	private final EvictionLog log = new EvictionLog(4096);

	@Test
	void countsEachReasonApart() {
		this.log.evicted(EvictionReason.BYTES, START);
		this.log.evicted(EvictionReason.COUNT, START);
		this.log.evicted(EvictionReason.COUNT, START);
		assertThat(this.log.count(EvictionReason.BYTES)).isEqualTo(1);
		assertThat(this.log.count(EvictionReason.COUNT)).isEqualTo(2);
		assertThat(this.log.count(EvictionReason.EXPIRED)).isZero();
	}

	@Test
	void theByteBoundWarnsOnceAMinuteAndTheOtherReasonsNever(CapturedOutput output) {
		this.log.evicted(EvictionReason.COUNT, START);
		this.log.evicted(EvictionReason.EXPIRED, START);
		assertThat(warnings(output)).isZero();
		this.log.evicted(EvictionReason.BYTES, START);
		this.log.evicted(EvictionReason.BYTES, START + 59_999);
		assertThat(warnings(output)).isOne();
		this.log.evicted(EvictionReason.BYTES, START + 60_000);
		this.log.evicted(EvictionReason.BYTES, START + 60_001);
		assertThat(warnings(output)).isEqualTo(2);
		assertThat(this.log.count(EvictionReason.BYTES)).isEqualTo(4);
	}

	private static int warnings(CapturedOutput output) {
		return output.toString().split(WARNING, -1).length - 1;
	}

}
