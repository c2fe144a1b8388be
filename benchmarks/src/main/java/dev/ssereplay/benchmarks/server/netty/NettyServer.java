package dev.ssereplay.benchmarks.server.netty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import dev.ssereplay.benchmarks.server.AdminStats;
import dev.ssereplay.benchmarks.server.EventData;
import dev.ssereplay.benchmarks.server.ServerHandle;

/**
 * The physical bound: Netty with no framework, one I/O thread, writing one
 * pre-formatted chunk of bytes per event to every subscriber's socket.
 * <p>
 * A publish formats the event once (id line, data line, chunked framing), writes
 * the same bytes to every subscriber without flushing, and schedules one flush
 * of all of them after the current read: events that arrive together (pipelined
 * requests) leave in one write per socket. A subscriber whose socket is not
 * writable misses the event. {@code Last-Event-ID} is ignored.
 * <p>
 * {@code POST /admin/publish-random} publishes events to streams chosen at
 * random (scenario 6), each as a {@code POST} to its stream does; there is no
 * token generator (scenario 7).
 * <p>
 * Options: {@code --server.port=N} (0 for any), {@code --bench.heartbeat=5s},
 * {@code --bench.netty.threads=1}.
 */
public final class NettyServer implements ServerHandle {

	private static final int MAX_BODY = 64 * 1024;

	private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			+ "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

	private static final byte[] HEARTBEAT = chunk(": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII));

	private final EventLoopGroup boss;

	private final EventLoopGroup workers;

	private final Channel server;

	private final Map<String, Stream> streams = new ConcurrentHashMap<>();

	private NettyServer(int port, Duration heartbeat, int threads) throws InterruptedException {
		this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		this.workers = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
		Handler handler = new Handler();
		this.server = new ServerBootstrap().group(this.boss, this.workers)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_BACKLOG, 4096)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline()
						.addLast("codec", new HttpServerCodec())
						.addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
						.addLast("handler", handler);
				}

			})
			.bind("127.0.0.1", port)
			.sync()
			.channel();
		long period = heartbeat.toMillis();
		this.workers.next().scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts the server.
	 * @param args {@code --name=value} options
	 */
	public static void main(String[] args) {
		start(args);
	}

	/**
	 * Starts the server in this process.
	 * @param args {@code --name=value} options
	 * @return the running server
	 */
	public static ServerHandle start(String... args) {
		int port = 8080;
		Duration heartbeat = Duration.ofSeconds(15);
		int threads = 1;
		for (String arg : args) {
			if (arg.startsWith("--server.port=")) {
				port = Integer.parseInt(arg.substring("--server.port=".length()));
			}
			else if (arg.startsWith("--bench.heartbeat=")) {
				heartbeat = Duration.parse("PT" + arg.substring("--bench.heartbeat=".length()).toUpperCase());
			}
			else if (arg.startsWith("--bench.netty.threads=")) {
				threads = Integer.parseInt(arg.substring("--bench.netty.threads=".length()));
			}
		}
		try {
			return new NettyServer(port, heartbeat, threads);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while binding port " + port, ex);
		}
	}

	@Override
	public int port() {
		return ((java.net.InetSocketAddress) this.server.localAddress()).getPort();
	}

	@Override
	public void close() {
		this.server.close().syncUninterruptibly();
		this.boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		this.workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private void heartbeat() {
		for (Stream stream : this.streams.values()) {
			stream.broadcast(Unpooled.wrappedBuffer(HEARTBEAT));
		}
	}

	private Stream stream(String name) {
		return this.streams.computeIfAbsent(name, (key) -> new Stream());
	}

	/** Wraps an event-stream block in HTTP/1.1 chunked framing. */
	static byte[] chunk(byte[] block) {
		byte[] size = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		byte[] chunk = new byte[size.length + block.length + 2];
		System.arraycopy(size, 0, chunk, 0, size.length);
		System.arraycopy(block, 0, chunk, size.length, block.length);
		chunk[chunk.length - 2] = '\r';
		chunk[chunk.length - 1] = '\n';
		return chunk;
	}

	@Sharable
	private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
			String uri = request.uri();
			int query = uri.indexOf('?');
			String path = (query >= 0) ? uri.substring(0, query) : uri;
			if (path.startsWith("/streams/") && path.length() > "/streams/".length()) {
				String name = path.substring("/streams/".length());
				if (HttpMethod.GET.equals(request.method())) {
					subscribe(ctx, stream(name));
				}
				else if (HttpMethod.POST.equals(request.method())) {
					long id = stream(name).publish(ctx.alloc().directBuffer(), request.content());
					respond(ctx, HttpResponseStatus.OK, "text/plain", Long.toString(id));
				}
				else {
					respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "");
				}
			}
			else if (path.equals("/admin/publish-random") && HttpMethod.POST.equals(request.method())) {
				respond(ctx, HttpResponseStatus.OK, "text/plain", publishRandom(ctx, new QueryStringDecoder(uri)));
			}
			else if (path.equals("/admin/info")) {
				respond(ctx, HttpResponseStatus.OK, "application/json",
						AdminStats.info("netty-limit", "NettyServer", false));
			}
			else if (path.equals("/admin/heap")) {
				respond(ctx, HttpResponseStatus.OK, "application/json", AdminStats.heap());
			}
			else {
				respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", "");
			}
		}

		private String publishRandom(ChannelHandlerContext ctx, QueryStringDecoder query) {
			Map<String, List<String>> parameters = query.parameters();
			String prefix = parameters.get("prefix").get(0);
			int streams = Integer.parseInt(parameters.get("streams").get(0));
			long first = Long.parseLong(parameters.get("first").get(0));
			int count = Integer.parseInt(parameters.get("count").get(0));
			int bytes = Integer.parseInt(parameters.get("bytes").get(0));
			long origin = Long.parseLong(parameters.get("origin").get(0));
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < count; i++) {
				ByteBuf data = Unpooled.copiedBuffer(EventData.now(first + i, origin, bytes), StandardCharsets.US_ASCII);
				try {
					stream(prefix + random.nextInt(streams)).publish(ctx.alloc().directBuffer(), data);
				}
				finally {
					data.release();
				}
			}
			return Integer.toString(count);
		}

		private void subscribe(ChannelHandlerContext ctx, Stream stream) {
			// From here on the connection carries raw pre-formatted chunks only.
			ctx.pipeline().remove("aggregator");
			ctx.pipeline().remove("codec");
			Channel channel = ctx.channel();
			channel.writeAndFlush(Unpooled.wrappedBuffer(STREAM_HEAD));
			stream.channels.add(channel);
			channel.closeFuture().addListener((future) -> stream.channels.remove(channel));
		}

		private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
					Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
			response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
			response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
			ctx.writeAndFlush(response);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

	private static final class Stream {

		final Set<Channel> channels = ConcurrentHashMap.newKeySet();

		private final Set<EventLoop> flushesDue = ConcurrentHashMap.newKeySet();

		private long lastId;

		/** Formats the event into {@code frame} and writes it to every subscriber. */
		synchronized long publish(ByteBuf frame, ByteBuf data) {
			long id = ++this.lastId;
			int length = 4 + stringSize(id) + 1 + 6 + data.readableBytes() + 2;
			frame.writeCharSequence(Integer.toHexString(length), StandardCharsets.US_ASCII);
			frame.writeByte('\r').writeByte('\n');
			frame.writeBytes(ID);
			ByteBufUtil.writeAscii(frame, Long.toString(id));
			frame.writeBytes(DATA);
			frame.writeBytes(data, data.readerIndex(), data.readableBytes());
			frame.writeBytes(END);
			broadcast(frame);
			return id;
		}

		void broadcast(ByteBuf frame) {
			try {
				for (Channel channel : this.channels) {
					if (channel.isWritable()) {
						channel.write(frame.retainedDuplicate(), channel.voidPromise());
						EventLoop loop = channel.eventLoop();
						if (this.flushesDue.add(loop)) {
							// Runs after the current read: everything written until then
							// leaves in one write per socket.
							loop.execute(() -> flush(loop));
						}
					}
				}
			}
			finally {
				frame.release();
			}
		}

		private void flush(EventLoop loop) {
			this.flushesDue.remove(loop);
			for (Channel channel : this.channels) {
				if (channel.eventLoop() == loop) {
					channel.flush();
				}
			}
		}

		private static int stringSize(long value) {
			return Long.toString(value).length();
		}

		private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);

		private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

		private static final byte[] END = "\n\n\r\n".getBytes(StandardCharsets.US_ASCII);

	}

}
