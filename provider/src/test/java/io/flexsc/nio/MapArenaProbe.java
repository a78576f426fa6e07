package io.flexsc.nio;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM's main (JDK 22+): {@code FileChannel.map(MapMode, long, long, Arena)} in a series of
 * uses and misuses, printing {@code <case>=<result or exception class>}; run once on the JDK's
 * provider and once on ours, the outputs must be equal. Reflection, since the tests compile for 17.
 */
public final class MapArenaProbe {
    private MapArenaProbe() {}

    private static Class<?> arenaClass;
    private static Method map;

    public static void main(String[] args) throws Throwable {
        Path dir = Path.of(args[0]);
        arenaClass = Class.forName("java.lang.foreign.Arena");
        map = FileChannel.class.getMethod("map", MapMode.class, long.class, long.class, arenaClass);
        Path f = dir.resolve("map.bin");
        Files.writeString(f, "0123456789abcdef");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            System.out.println("class " + ch.getClass().getName());
            Object arena = arena();
            Object seg = map(ch, MapMode.READ_ONLY, 2, 8, arena);
            print("ro", text(seg) + " size " + call(seg, "byteSize") + " mapped " + call(seg, "isMapped")
                    + " readOnly " + call(seg, "isReadOnly"));
            close(arena);
            print("afterArenaClose", attempt(() -> text(seg)));
            print("rwOnReadOnly", attempt(() -> map(ch, MapMode.READ_WRITE, 0, 4, arena())));
            print("privateOnReadOnly", attempt(() -> map(ch, MapMode.PRIVATE, 0, 4, arena())));
            print("negativeOffset", attempt(() -> map(ch, MapMode.READ_ONLY, -1, 4, arena())));
            print("negativeSize", attempt(() -> map(ch, MapMode.READ_ONLY, 0, -1, arena())));
            print("beyondEndReadOnly", attempt(() -> call(map(ch, MapMode.READ_ONLY, 8, 100, arena()), "byteSize")));
            Object closed = arena();
            close(closed);
            print("closedArena", attempt(() -> map(ch, MapMode.READ_ONLY, 0, 4, closed)));
            print("nullArena", attempt(() -> map.invoke(ch, MapMode.READ_ONLY, 0L, 4L, null)));
            print("nullMode", attempt(() -> map.invoke(ch, null, 0L, 4L, arena())));
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Object arena = arena();
            Object seg = map(ch, MapMode.READ_WRITE, 0, 4, arena);
            ((ByteBuffer) call(seg, "asByteBuffer")).put("WXYZ".getBytes(StandardCharsets.US_ASCII));
            Object priv = map(ch, MapMode.PRIVATE, 4, 4, arena);
            ((ByteBuffer) call(priv, "asByteBuffer")).put("....".getBytes(StandardCharsets.US_ASCII));
            print("privateView", text(priv));
            Object grown = map(ch, MapMode.READ_WRITE, 0, 20, arena);
            print("grownSize", call(grown, "byteSize") + " file " + Files.size(f));
            close(arena);
            print("afterWrites", Files.readString(f).replace('\0', '_'));
            ch.close();
            print("closedChannel", attempt(() -> map(ch, MapMode.READ_ONLY, 0, 4, arena())));
        }
        try (FileChannel wo = FileChannel.open(f, StandardOpenOption.WRITE)) {
            print("writeOnly", attempt(() -> map(wo, MapMode.READ_WRITE, 0, 4, arena())));
        }
        Path appendFile = dir.resolve("append.bin");
        Files.writeString(appendFile, "append");
        try (FileChannel ap = FileChannel.open(appendFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            print("appendReadWrite", attempt(() -> map(ap, MapMode.READ_WRITE, 0, 4, arena())));
            print("appendReadOnly", attempt(() -> map(ap, MapMode.READ_ONLY, 0, 4, arena())));
        }
    }

    interface Attempt {
        Object run() throws Throwable;
    }

    private static String attempt(Attempt a) {
        try {
            Object r = a.run();
            return "ok " + (r instanceof String || r instanceof Long ? r : "");
        } catch (Throwable t) {
            Throwable c = t instanceof InvocationTargetException ? t.getCause() : t;
            return c.getClass().getName();
        }
    }

    private static void print(String key, String value) {
        System.out.println(key + "=" + value);
    }

    private static Object arena() throws Exception {
        return arenaClass.getMethod("ofConfined").invoke(null);
    }

    private static void close(Object arena) throws Exception {
        arenaClass.getMethod("close").invoke(arena);
    }

    private static Object map(FileChannel ch, MapMode mode, long offset, long size, Object arena) throws Throwable {
        try {
            return map.invoke(ch, mode, offset, size, arena);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = Class.forName("java.lang.foreign.MemorySegment").getMethod(method);
        try {
            return m.invoke(target);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    private static String text(Object segment) throws Exception {
        ByteBuffer b = (ByteBuffer) call(segment, "asByteBuffer");
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.US_ASCII);
    }
}
