package io.flexsc.nio.fs;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the process's first file on an interrupted thread; prints whether the engine started. */
public final class InterruptedStartProbe {
    private InterruptedStartProbe() {}

    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]).resolve("first.txt");
        Thread.currentThread().interrupt();
        Files.writeString(f, "first");
        System.out.println("interrupted=" + Thread.interrupted());
        System.out.println("read=" + Files.readString(f));
        System.out.println("engine=" + (FsEngine.get() != null));
    }
}
