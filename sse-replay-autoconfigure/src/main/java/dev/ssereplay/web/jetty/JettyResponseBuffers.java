package dev.ssereplay.web.jetty;

import java.util.IdentityHashMap;
import java.util.Map;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;

/**
 * The output buffer of each response on a Jetty server, sized for servers that
 * hold many idle event streams.
 * <p>
 * Jetty copies a write no larger than the output aggregation size into the
 * response's output buffer, which it takes from its buffer pool at the first
 * such write and gives back only when the response ends. An event stream is a
 * response that lasts as long as the stream is open, so with Jetty's defaults
 * every open stream keeps a 32 KB buffer, a direct one (outside the heap) unless
 * {@link HttpConfiguration#setUseOutputDirectByteBuffers} says otherwise. With
 * an aggregation size of 0 no write is copied: each goes to the network from the
 * writer's own array, and a stream holds no buffer between its writes. A write
 * larger than the output buffer goes out in pieces of that size either way.
 * <p>
 * The sizes apply to every response of the server, not only to event streams.
 */
public final class JettyResponseBuffers {

	private final int bufferSize;

	private final int aggregationSize;

	/**
	 * Creates the sizes to apply.
	 * @param bufferSize the size of each response's output buffer in bytes, or -1
	 * to keep Jetty's (32 KB)
	 * @param aggregationSize the largest write copied into the output buffer, in
	 * bytes; 0 to copy none, or -1 to keep Jetty's (a quarter of the output
	 * buffer)
	 * @throws IllegalArgumentException if a size is below -1, the buffer size is 0,
	 * or the aggregation size exceeds a buffer size that is given
	 */
	public JettyResponseBuffers(int bufferSize, int aggregationSize) {
		if (bufferSize == 0 || bufferSize < -1) {
			throw new IllegalArgumentException("bufferSize must be positive or -1, was " + bufferSize);
		}
		if (aggregationSize < -1) {
			throw new IllegalArgumentException("aggregationSize must be zero, positive or -1, was " + aggregationSize);
		}
		if (bufferSize != -1 && aggregationSize > bufferSize) {
			throw new IllegalArgumentException(
					"aggregationSize " + aggregationSize + " must not exceed bufferSize " + bufferSize);
		}
		this.bufferSize = bufferSize;
		this.aggregationSize = aggregationSize;
	}

	/**
	 * Returns the size of each response's output buffer.
	 * @return the size in bytes, or -1 for Jetty's
	 */
	public int getBufferSize() {
		return this.bufferSize;
	}

	/**
	 * Returns the largest write copied into a response's output buffer.
	 * @return the size in bytes, 0 for none, or -1 for Jetty's
	 */
	public int getAggregationSize() {
		return this.aggregationSize;
	}

	/**
	 * Applies the sizes to the HTTP configuration of every connector of a server,
	 * before it starts.
	 * @param server the server
	 */
	public void applyTo(Server server) {
		Map<HttpConfiguration, Boolean> applied = new IdentityHashMap<>();
		for (Connector connector : server.getConnectors()) {
			for (ConnectionFactory factory : connector.getConnectionFactories()) {
				if (factory instanceof HttpConfiguration.ConnectionFactory http
						&& applied.put(http.getHttpConfiguration(), Boolean.TRUE) == null) {
					applyTo(http.getHttpConfiguration());
				}
			}
		}
	}

	/**
	 * Applies the sizes to one HTTP configuration.
	 * @param configuration the configuration of a connector
	 * @throws IllegalStateException if the aggregation size exceeds the output
	 * buffer the configuration ends up with
	 */
	public void applyTo(HttpConfiguration configuration) {
		if (this.bufferSize != -1) {
			// Also sets the aggregation size to a quarter of the buffer.
			configuration.setOutputBufferSize(this.bufferSize);
		}
		if (this.aggregationSize != -1) {
			if (this.aggregationSize > configuration.getOutputBufferSize()) {
				// Jetty would shrink it to the buffer on every response, with a warning.
				throw new IllegalStateException("Output aggregation size " + this.aggregationSize
						+ " exceeds the output buffer size " + configuration.getOutputBufferSize());
			}
			configuration.setOutputAggregationSize(this.aggregationSize);
		}
	}

}
