package io.flexsc.bench.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FsImplTest {
    @Test
    void jdkIsTheBuiltInProvider() {
        FsImpl jdk = FsImpl.parse(" JDK ");
        assertTrue(jdk.isJdk());
        assertNull(jdk.engine());
        assertEquals(Map.of(), jdk.properties());
    }

    @Test
    void engineSpecWithSettings() {
        FsImpl u = FsImpl.parse("uring:adaptive=false;entries=64");
        assertFalse(u.isJdk());
        assertEquals("uring", u.engine());
        assertEquals(Map.of("flexsc.uring.adaptive", "false", "flexsc.uring.entries", "64"), u.properties());
        assertEquals("uring:adaptive=false;entries=64", u.toString());
    }

    @Test
    void malformedSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FsImpl.parse(" "));
        assertThrows(IllegalArgumentException.class, () -> FsImpl.parse(":a=b"));
        assertThrows(IllegalArgumentException.class, () -> FsImpl.parse("uring:adaptive"));
        assertThrows(IllegalArgumentException.class, () -> FsImpl.parse("uring:=x"));
        assertThrows(IllegalArgumentException.class, () -> FsImpl.parse("uring:x="));
        assertThrows(IllegalArgumentException.class, () -> FsImpl.parse("jdk:a=b"));
    }
}
