package dev.ssereplay.web.tomcat;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's HTTP/1.1 NIO protocol with a chosen size for each response's output
 * buffer. Tomcat's connector allocates that buffer twice over (bytes and
 * characters, 8 KB and 16 KB by default) for every request processor, and an
 * open event stream keeps its processor, so a smaller buffer is a large part of
 * what an idle connection costs.
 * <p>
 * Tomcat creates the protocol from its class name; the size is set afterwards,
 * before the connector starts.
 */
public final class SizedResponseBufferProtocol extends Http11NioProtocol {

	private volatile int responseBufferSize = -1;

	/**
	 * Sets the size of each response's output buffer.
	 * @param responseBufferSize the size in bytes (and characters); -1 for
	 * Tomcat's default
	 */
	public void setResponseBufferSize(int responseBufferSize) {
		this.responseBufferSize = responseBufferSize;
	}

	/**
	 * Returns the size of each response's output buffer.
	 * @return the size in bytes (and characters); -1 for Tomcat's default
	 */
	public int getResponseBufferSize() {
		return this.responseBufferSize;
	}

	/**
	 * Returns the size Tomcat gives each response's output buffer.
	 * @return the configured size, or -1 for Tomcat's default
	 */
	@Override
	public int getDesiredBufferSize() {
		return this.responseBufferSize;
	}

}
