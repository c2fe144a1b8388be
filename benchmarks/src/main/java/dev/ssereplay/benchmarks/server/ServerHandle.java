package dev.ssereplay.benchmarks.server;

/**
 * A server started in this process, as the tests start them.
 */
public interface ServerHandle extends AutoCloseable {

	/**
	 * Returns the port the server listens on.
	 * @return the bound port
	 */
	int port();

	/**
	 * Stops the server.
	 */
	@Override
	void close();

}
