package io.flexsc.nio.net;

import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.net.sys.NetSys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Child JVM of {@link EngineClosedTest}: opens channels of our provider, closes the process's
 * engine, and prints, one line per operation, {@code op=ExceptionClass|message} (or
 * {@code op=returned}).
 */
public final class EngineClosedProbe {
    private EngineClosedProbe() {}

    interface Op {
        Object run() throws Exception;
    }

    static void report(String name, Op op) {
        String r;
        try {
            op.run();
            r = "returned";
        } catch (Throwable e) {
            r = e.getClass().getName() + "|" + e.getMessage();
        }
        System.out.println(name + "=" + r);
    }

    public static void main(String[] args) throws Exception {
        SelectorProvider p = new FlexSelectorProvider();
        InetSocketAddress lo0 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        ServerSocketChannel ssc = p.openServerSocketChannel().bind(lo0);
        SocketChannel c = p.openSocketChannel();
        c.connect(ssc.getLocalAddress());
        SocketChannel s = ssc.accept();
        SocketChannel nb = p.openSocketChannel();
        nb.connect(ssc.getLocalAddress());
        ssc.accept();
        nb.configureBlocking(false);
        Pipe pipe = p.openPipe();
        DatagramChannel d = p.openDatagramChannel().bind(lo0);
        Selector sel = p.openSelector();
        nb.register(sel, SelectionKey.OP_READ);
        System.out.println("engine=" + NetSys.engine().name());
        Engines.shared().close();
        report("socket read", () -> c.read(ByteBuffer.allocate(8)));
        report("socket write", () -> c.write(ByteBuffer.allocate(8)));
        report("non-blocking read", () -> nb.read(ByteBuffer.allocate(8)));
        report("non-blocking write", () -> nb.write(ByteBuffer.allocate(8)));
        report("option", () -> c.getOption(java.net.StandardSocketOptions.SO_RCVBUF));
        report("accept", ssc::accept);
        report("open socket", p::openSocketChannel);
        report("pipe write", () -> pipe.sink().write(ByteBuffer.allocate(8)));
        report("pipe read", () -> pipe.source().read(ByteBuffer.allocate(8)));
        report("datagram send", () -> d.send(ByteBuffer.allocate(8), d.getLocalAddress()));
        report("select", sel::selectNow);
        report("close", () -> {
            c.close();
            return null;
        });
        System.out.println("done");
    }
}
