package io.flexsc.nio;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM's main: uses the streams of {@code Files} on a thread whose interrupt status is set,
 * and prints what happened ({@code write=}, {@code read=}, {@code interrupted=}), for comparison
 * between the JDK's default provider and ours.
 */
public final class InterruptedStreamsProbe {
    private InterruptedStreamsProbe() {}

    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]).resolve("interrupted.txt");
        Thread.currentThread().interrupt();
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write("written while interrupted".getBytes(StandardCharsets.UTF_8));
            out.flush();
            System.out.println("write=ok");
        } catch (Exception e) {
            System.out.println("write=" + e.getClass().getName());
        }
        System.out.println("interruptedAfterWrite=" + Thread.currentThread().isInterrupted());
        try (InputStream in = Files.newInputStream(f)) {
            System.out.println("read=" + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            System.out.println("read=" + e.getClass().getName());
        }
        System.out.println("interrupted=" + Thread.interrupted());
    }
}
