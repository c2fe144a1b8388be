package dev.ssereplay.web.jetty;

import org.eclipse.jetty.server.HttpConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link JettyResponseBuffers}.
 */
@Tag("jetty")
class JettyResponseBuffersTests {

	@Test
	void keepsJettysSizesForMinusOne() {
		HttpConfiguration configuration = new HttpConfiguration();
		new JettyResponseBuffers(-1, -1).applyTo(configuration);
		assertThat(configuration.getOutputBufferSize()).isEqualTo(32 * 1024);
		assertThat(configuration.getOutputAggregationSize()).isEqualTo(8 * 1024);
	}

	@Test
	void setsTheAggregationAfterTheBuffer() {
		HttpConfiguration configuration = new HttpConfiguration();
		new JettyResponseBuffers(16 * 1024, 0).applyTo(configuration);
		assertThat(configuration.getOutputBufferSize()).isEqualTo(16 * 1024);
		assertThat(configuration.getOutputAggregationSize()).isZero();
	}

	@Test
	void rejectsABufferOfZero() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JettyResponseBuffers(0, -1))
			.withMessage("bufferSize must be positive or -1, was 0");
	}

	@Test
	void rejectsAnAggregationLargerThanTheBuffer() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JettyResponseBuffers(1024, 2048))
			.withMessage("aggregationSize 2048 must not exceed bufferSize 1024");
	}

	@Test
	void rejectsAnAggregationLargerThanTheBufferOfTheConfiguration() {
		HttpConfiguration configuration = new HttpConfiguration();
		configuration.setOutputBufferSize(1024);
		assertThatIllegalStateException().isThrownBy(() -> new JettyResponseBuffers(-1, 2048).applyTo(configuration))
			.withMessage("Output aggregation size 2048 exceeds the output buffer size 1024");
	}

}
