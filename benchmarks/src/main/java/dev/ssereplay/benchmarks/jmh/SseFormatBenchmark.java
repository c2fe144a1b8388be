package dev.ssereplay.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;

/**
 * {@link SseFormat}: the body an append formats once, the frame that completes
 * it with the id, and a whole event in one go.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseFormatBenchmark {

	/** Bytes of data per event. */
	@Param({ "64", "1024" })
	public int dataBytes;

	private SseEvent event;

	private byte[] body;

	private EventId id;

	/** Builds an event of the size asked for. */
	@Setup
	public void setUp() {
		this.event = new SseEvent("tick", "x".repeat(this.dataBytes));
		this.body = SseFormat.body(this.event);
		this.id = new EventId(1_234_567_890_123L, 42);
	}

	/**
	 * The {@code event:} and {@code data:} lines, as an append formats them.
	 * @return the bytes
	 */
	@Benchmark
	public byte[] body() {
		return SseFormat.body(this.event);
	}

	/**
	 * The whole block from a formatted body and an id.
	 * @return the bytes
	 */
	@Benchmark
	public byte[] frame() {
		return SseFormat.frame(this.id, this.body);
	}

	/**
	 * A whole block in one call, as a resync event is formatted.
	 * @return the bytes
	 */
	@Benchmark
	public byte[] event() {
		return SseFormat.event("abc-42", this.event);
	}

}
