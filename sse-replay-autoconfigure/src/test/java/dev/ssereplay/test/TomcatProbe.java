package dev.ssereplay.test;

import org.apache.catalina.Container;
import org.apache.catalina.core.StandardContext;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * What the embedded Tomcat of a running application holds, as Tomcat counts it.
 */
public final class TomcatProbe {

	private TomcatProbe() {
	}

	/**
	 * Returns the number of connections Tomcat holds open, kept-alive ones
	 * included.
	 * @param context the running application
	 * @return the count
	 */
	public static long connections(ApplicationContext context) {
		return ((AbstractProtocol<?>) server(context).getTomcat().getConnector().getProtocolHandler())
			.getConnectionCount();
	}

	/**
	 * Returns the number of asynchronous requests Tomcat counts as in progress, as
	 * a graceful shutdown waits for them.
	 * @param context the running application
	 * @return the count
	 */
	public static long asyncRequestsInProgress(ApplicationContext context) {
		long count = 0;
		for (Container child : server(context).getTomcat().getHost().findChildren()) {
			count += ((StandardContext) child).getInProgressAsyncCount();
		}
		return count;
	}

	private static TomcatWebServer server(ApplicationContext context) {
		return (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
	}

}
