package dev.duplex.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The Netty 4.2 peer of {@code duplex serve} for the side-by-side runs (bench/run): {@code /echo}
 * sends every data frame back (text as text, binary as binary) and {@code /broadcast} sends every
 * message to every connection of the route except publishers ({@code ?role=pub}). Idiomatic Netty:
 * {@link WebSocketServerProtocolHandler} (UTF-8 validation on, no extensions), NIO transport, one
 * event loop per core, writes flushed once per read batch, fan-out through a {@link ChannelGroup}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.duplex.bench.server.NettyServer [PORT [LOOPS]]}.
 */
public final class NettyServer {
    static final int MAX_MESSAGE = 16 << 20;

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
        ChannelGroup subscribers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Router(subscribers));
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.println("Netty listening on ws://127.0.0.1:" + port + " (echo: /echo, broadcast: /broadcast)");
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    static WebSocketServerProtocolConfig config(String path) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_MESSAGE).build())
                .build();
    }

    /** Picks the route from the request path, installs its WebSocket handlers, then lets the handshake go on. */
    static final class Router extends ChannelInboundHandlerAdapter {
        private final ChannelGroup subscribers;

        Router(ChannelGroup subscribers) {
            this.subscribers = subscribers;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest req)) {
                ctx.fireChannelRead(msg);
                return;
            }
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            ChannelHandler route;
            if (path.equals("/echo")) {
                route = new Echo();
            } else if (path.equals("/broadcast")) {
                route = new Broadcast(subscribers, uri.contains("role=pub"));
            } else {
                req.release();
                DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().addLast(new WebSocketServerProtocolHandler(config(path)), route);
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(req);
        }
    }

    /** Sends every data frame back as it came; flushes once per read batch. */
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame) {
                ctx.write(frame, ctx.voidPromise());
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Joins the group unless a publisher; every data frame goes to the whole group. */
    static final class Broadcast extends ChannelInboundHandlerAdapter {
        private final ChannelGroup subscribers;
        private final boolean publisher;

        Broadcast(ChannelGroup subscribers, boolean publisher) {
            this.subscribers = subscribers;
            this.publisher = publisher;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete && !publisher) {
                subscribers.add(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame) {
                subscribers.writeAndFlush(frame, ChannelGroupMatchers.ALL, true).addListener(f -> { });
                frame.release();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }

    private static final class ChannelGroupMatchers {
        static final io.netty.channel.group.ChannelMatcher ALL = io.netty.channel.group.ChannelMatchers.all();
    }
}
