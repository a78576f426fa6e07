package io.flexsc.nio.examples.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Netty echo server: every byte read is written back.
 *
 * <pre>
 * EchoServer [--transport nio|epoll|io_uring] [--port N] [--threads T] [--host H] [--no-stdin]
 * </pre>
 *
 * <p>{@code nio} (the default) is Netty's NIO transport over {@link SelectorProvider#provider()}:
 * flexsc-nio's when the drop-in jar is on the class path, the JDK's otherwise. When listening the
 * server prints exactly one line {@code LISTENING <port>} on standard output. It then reads commands
 * from standard input, one per line: {@code stats} prints a {@code STATS ...} line (see
 * {@link ProcessStats}); {@code cpu} prints {@code CPU cpuNanos=<n>}, the process's CPU time so far
 * (cheap: no garbage collection); {@code quit} or the end of input shuts it down gracefully (exit status 0).
 * SIGTERM also shuts it down gracefully with status 0. {@code --no-stdin} ignores standard input
 * (for running it in the background; stop it with SIGTERM).
 */
public final class EchoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EchoServer.class.getName());

    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel serverChannel;

    private EchoServer(Transport transport, EventLoopGroup group, Channel serverChannel) {
        this.transport = transport;
        this.group = group;
        this.serverChannel = serverChannel;
    }

    /** Starts a server listening on {@code host:port} (port 0: an ephemeral port). */
    public static EchoServer start(Transport transport, String host, int port, int threads) throws InterruptedException {
        EventLoopGroup group = transport.newGroup(threads);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Echo.INSTANCE);
                        }
                    });
            Channel ch = b.bind(host, port).sync().channel();
            return new EchoServer(transport, group, ch);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public Transport transport() {
        return transport;
    }

    /** Closes the listening socket and shuts the event loops down gracefully; idempotent. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Writes back what it reads; flushes once per read burst. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // stop reading while the peer does not take what we echo, so the server's memory stays bounded
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                LOG.log(System.Logger.Level.DEBUG, "connection " + ctx.channel().remoteAddress() + " failed: " + cause);
            } else {
                LOG.log(System.Logger.Level.WARNING, "connection " + ctx.channel().remoteAddress() + " failed", cause);
            }
            ctx.close();
        }
    }

    public static void main(String[] args) {
        Options o;
        Transport transport;
        try {
            o = new Options(args, Set.of("transport", "port", "threads", "host"), Set.of("no-stdin", "help"));
            if (o.flag("help")) {
                System.out.println("usage: EchoServer [--transport nio|epoll|io_uring] [--port N] [--threads T] [--host H] [--no-stdin]");
                return;
            }
            transport = Transport.parse(o.string("transport", "nio"));
        } catch (IllegalArgumentException e) {
            System.err.println("EchoServer: " + e.getMessage());
            System.exit(2);
            return;
        }
        String host = o.string("host", "127.0.0.1");
        int port;
        int threads;
        try {
            port = o.integer("port", 0, 0, 65535);
            threads = o.integer("threads", 1, 1, 1024);
        } catch (IllegalArgumentException e) {
            System.err.println("EchoServer: " + e.getMessage());
            System.exit(2);
            return;
        }
        EchoServer server;
        try {
            server = start(transport, host, port, threads);
        } catch (Exception e) {
            System.err.println("EchoServer: cannot listen on " + host + ":" + port + " with the " + transport.label()
                    + " transport: " + e);
            System.exit(1);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "echo server on {0}:{1} ({2} transport, {3} event-loop thread(s), SelectorProvider {4})",
                host, String.valueOf(server.port()), transport.label(), threads, SelectorProvider.provider().getClass().getName());
        PrintStream out = System.out;
        synchronized (out) {
            out.println("LISTENING " + server.port());
            out.flush();
        }

        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerm(stop::countDown);
        if (!o.flag("no-stdin")) {
            Thread commands = new Thread(() -> readCommands(out, stop), "echo-server-stdin");
            commands.setDaemon(true);
            commands.start();
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        LOG.log(System.Logger.Level.INFO, "echo server stopped");
        System.exit(0);
    }

    private static void readCommands(PrintStream out, CountDownLatch stop) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.trim();
                if (cmd.isEmpty()) {
                    continue;
                }
                if (cmd.equals("stats")) {
                    String stats = ProcessStats.statsLine();
                    synchronized (out) {
                        out.println(stats);
                        out.flush();
                    }
                } else if (cmd.equals("cpu")) {
                    String cpu = "CPU cpuNanos=" + ProcessStats.processCpuNanos();
                    synchronized (out) {
                        out.println(cpu);
                        out.flush();
                    }
                } else if (cmd.equals("quit") || cmd.equals("exit")) {
                    break;
                } else {
                    System.err.println("EchoServer: unknown command '" + cmd + "' (expected stats, cpu or quit)");
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "reading commands from standard input failed; shutting down", e);
        } finally {
            stop.countDown();
        }
    }
}
