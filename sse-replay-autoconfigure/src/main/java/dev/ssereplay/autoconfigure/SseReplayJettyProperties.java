package dev.ssereplay.autoconfigure;

import org.springframework.util.unit.DataSize;

/**
 * Each response's output buffer on an embedded Jetty, for applications that
 * hold many idle event streams. A response keeps its buffer from its first
 * aggregated write until it ends, so with Jetty's defaults every open stream
 * keeps 32 KB of direct memory; unset, Jetty's defaults stay. They apply to
 * every response of the server, not only to event streams.
 */
public class SseReplayJettyProperties {

	/**
	 * Size of each response's output buffer (Jetty's 'outputBufferSize'). A write
	 * larger than it goes to the network in pieces of this size. Setting it also
	 * sets the aggregation size to a quarter of it unless response-aggregation is
	 * set.
	 */
	private DataSize responseBuffer;

	/**
	 * Largest write that is copied into the response's output buffer rather than
	 * written to the network at once (Jetty's 'outputAggregationSize'); 0 writes
	 * every write at once, so that an open event stream holds no buffer; every
	 * response whose length the application does not set is then sent in chunks
	 * rather than with a Content-Length.
	 */
	private DataSize responseAggregation;

	/**
	 * Maximum number of connections the operating system holds for the server to
	 * accept (the listen backlog, Jetty's 'acceptQueueSize'); Jetty's default
	 * leaves it to the JDK, which asks for 50. When every client of an instance
	 * reconnects at once, the connections beyond it are refused and retried by
	 * the clients' TCP a second or more later. The kernel caps it at
	 * net.core.somaxconn.
	 */
	private Integer acceptQueueSize;

	public DataSize getResponseBuffer() {
		return this.responseBuffer;
	}

	public void setResponseBuffer(DataSize responseBuffer) {
		this.responseBuffer = SseReplayProperties.requireBufferSize("sse.replay.jetty.response-buffer", responseBuffer);
	}

	public DataSize getResponseAggregation() {
		return this.responseAggregation;
	}

	public void setResponseAggregation(DataSize responseAggregation) {
		if (responseAggregation != null
				&& (responseAggregation.toBytes() < 0 || responseAggregation.toBytes() > Integer.MAX_VALUE)) {
			throw new IllegalArgumentException(
					"sse.replay.jetty.response-aggregation must be between 0B and 2GB, was " + responseAggregation);
		}
		this.responseAggregation = responseAggregation;
	}

	public Integer getAcceptQueueSize() {
		return this.acceptQueueSize;
	}

	public void setAcceptQueueSize(Integer acceptQueueSize) {
		if (acceptQueueSize != null && acceptQueueSize < 1) {
			throw new IllegalArgumentException(
					"sse.replay.jetty.accept-queue-size must be positive, was " + acceptQueueSize);
		}
		this.acceptQueueSize = acceptQueueSize;
	}

	boolean isSet() {
		return this.responseBuffer != null || this.responseAggregation != null || this.acceptQueueSize != null;
	}

}
