package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engines are found, not named: {@link Engines} lists them through their
 * {@link java.util.ServiceLoader} registrations, in {@code auto}'s order, and the engine API
 * ({@code io.flexsc.nio.engine}) refers to none of its implementations, so the packages form no
 * cycle. The layering is read from the compiled classes (a reference to a class, even one only a
 * lambda or a constant names, is in the class file's constant pool).
 */
class EngineDiscoveryTest {

    @Test
    void everyEngineIsRegisteredInAutosOrder() {
        List<String> names = new ArrayList<>();
        for (EngineFactory f : Engines.factories()) {
            names.add(f.name());
        }
        assertEquals(List.of("kmod", "uring", "direct"), names);
    }

    @Test
    void anUnknownNameListsTheRegisteredOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engines.factory("nosuch"));
        assertEquals("unknown flexsc engine 'nosuch'; expected one of auto, kmod, uring, direct", e.getMessage());
    }

    @Test
    void theEngineApiNamesNoImplementation() throws Exception {
        Map<String, String> offending = new TreeMap<>();
        forEachClass((name, bytes) -> {
            String pkg = name.substring(0, name.lastIndexOf('/') + 1);
            if (pkg.equals("io/flexsc/nio/engine/")) {
                for (String impl : List.of("direct/", "uring/", "kmod/")) {
                    if (bytes.contains("io/flexsc/nio/engine/" + impl)) {
                        offending.put(name, impl);
                    }
                }
            } else if (pkg.equals("io/flexsc/nio/ffi/")) {
                for (String up : List.of("io/flexsc/nio/engine/", "io/flexsc/nio/fs/", "io/flexsc/nio/net/")) {
                    if (bytes.contains(up)) {
                        offending.put(name, up);
                    }
                }
            }
        });
        assertEquals(Map.of(), offending, "classes that refer to a package they must not know");
    }

    private interface ClassVisitor {
        void visit(String name, String bytesAsLatin1) throws IOException;
    }

    /** Every class of the provider (its class directory or jar), as Latin-1 text of its bytes. */
    private static void forEachClass(ClassVisitor v) throws IOException, URISyntaxException {
        Path where = Path.of(EngineFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        int seen = 0;
        if (Files.isDirectory(where)) {
            List<Path> classes;
            try (Stream<Path> s = Files.walk(where.resolve("io/flexsc/nio"))) {
                classes = s.filter(p -> p.toString().endsWith(".class")).toList();
            }
            for (Path p : classes) {
                v.visit(where.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                seen++;
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (var e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().startsWith("io/flexsc/nio/") && e.getName().endsWith(".class")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            v.visit(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                        }
                        seen++;
                    }
                }
            }
        }
        assertTrue(seen > 50, "found only " + seen + " classes at " + where);
    }
}
