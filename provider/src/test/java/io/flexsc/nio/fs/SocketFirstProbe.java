package io.flexsc.nio.fs;

import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * With both providers installed, makes the process's first engine use a socket (the engine's
 * start-up then reads files through the file-system provider); prints whether file channels still
 * run on the engine afterwards.
 */
public final class SocketFirstProbe {
    private SocketFirstProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("selector=" + java.nio.channels.spi.SelectorProvider.provider().getClass().getName());
        SocketChannel.open().close();
        Path f = Path.of(args[0]).resolve("after-socket.txt");
        Files.writeString(f, "after");
        System.out.println("read=" + Files.readString(f));
        System.out.println("fellBack=" + FsEngine.fellBack());
        System.out.println("engine=" + (FsEngine.get() != null));
    }
}
