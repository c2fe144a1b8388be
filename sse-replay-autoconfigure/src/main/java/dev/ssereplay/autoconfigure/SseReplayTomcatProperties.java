package dev.ssereplay.autoconfigure;

import org.springframework.util.unit.DataSize;

/**
 * Per-connection buffer sizes of an embedded Tomcat, for applications that hold
 * many idle event streams. Every connection keeps these buffers for as long as
 * its stream is open; unset, Tomcat's defaults (8 KB each) stay. They apply to
 * every connection of the server, not only to event streams.
 */
public class SseReplayTomcatProperties {

	/**
	 * Size of the buffer each connection's socket reads into (Tomcat's
	 * 'socket.appReadBufSize'). Requests are read in pieces of this size.
	 */
	private DataSize socketReadBuffer;

	/**
	 * Size of the buffer each connection's socket writes from (Tomcat's
	 * 'socket.appWriteBufSize'). A write larger than it takes more than one
	 * system call.
	 */
	private DataSize socketWriteBuffer;

	/**
	 * Size of each response's output buffer, in bytes and in characters (Tomcat
	 * allocates both). A response that outgrows it is committed and sent in
	 * chunks rather than with a Content-Length. Needs Tomcat's default HTTP/1.1
	 * NIO protocol.
	 */
	private DataSize responseBuffer;

	public DataSize getSocketReadBuffer() {
		return this.socketReadBuffer;
	}

	public void setSocketReadBuffer(DataSize socketReadBuffer) {
		this.socketReadBuffer = SseReplayProperties.requireBufferSize("sse.replay.tomcat.socket-read-buffer", socketReadBuffer);
	}

	public DataSize getSocketWriteBuffer() {
		return this.socketWriteBuffer;
	}

	public void setSocketWriteBuffer(DataSize socketWriteBuffer) {
		this.socketWriteBuffer = SseReplayProperties.requireBufferSize("sse.replay.tomcat.socket-write-buffer", socketWriteBuffer);
	}

	public DataSize getResponseBuffer() {
		return this.responseBuffer;
	}

	public void setResponseBuffer(DataSize responseBuffer) {
		this.responseBuffer = SseReplayProperties.requireBufferSize("sse.replay.tomcat.response-buffer", responseBuffer);
	}

	boolean isSet() {
		return this.socketReadBuffer != null || this.socketWriteBuffer != null || this.responseBuffer != null;
	}

}
