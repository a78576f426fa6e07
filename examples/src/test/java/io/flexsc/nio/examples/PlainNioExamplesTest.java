package io.flexsc.nio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plain NIO examples in child JVMs, on the JDK's providers and on flexsc-nio's (named with -D,
 * the provider on the class path): each passes its own check on both, and the outputs are the same
 * but for the line that names the provider.
 */
@Timeout(120)
class PlainNioExamplesTest {

    private static String withoutProviderLine(String out) {
        return out.lines().filter(l -> !l.startsWith("provider: ")).collect(Collectors.joining("\n"));
    }

    private static String providerLine(String out) {
        return out.lines().filter(l -> l.startsWith("provider: ")).findFirst().orElse("(no provider line)");
    }

    @Test
    void fileCopySameOnBothFileSystemProviders() throws Exception {
        List<String> args = List.of("--size", "3000001");
        Children.Done jdk = Children.java(Children.jdkClassPath(), List.of(), FileCopy.class.getName(), args, 60);
        Children.Done flex = Children.java(Children.flexClassPath(), Children.FLEX_ALL_OPTS, FileCopy.class.getName(), args, 60);
        assertEquals(0, jdk.status(), jdk::describe);
        assertEquals(0, flex.status(), flex::describe);
        assertEquals("provider: sun.nio.fs.LinuxFileSystemProvider", providerLine(jdk.out()), jdk::describe);
        assertEquals("provider: " + Children.FLEX_FS, providerLine(flex.out()), flex::describe);
        assertEquals(withoutProviderLine(jdk.out()), withoutProviderLine(flex.out()));
        assertTrue(jdk.out().contains("transferTo: 3000001 bytes") && jdk.out().contains("Files.copy: 3000001 bytes"), jdk::describe);
        assertEquals(2, jdk.out().lines().filter(l -> l.endsWith("identical to the source")).count(), jdk::describe);
    }

    @Test
    void selectorEchoServerSameOnBothSelectorProviders() throws Exception {
        List<String> args = List.of("--self-test", "--connections", "4", "--messages", "200");
        String main = SelectorEchoServer.class.getName();
        Children.Done jdk = Children.java(Children.jdkClassPath(), List.of(), main, args, 60);
        Children.Done flex = Children.java(Children.flexClassPath(), Children.FLEX_SELECTOR_OPTS, main, args, 60);
        assertEquals(0, jdk.status(), jdk::describe);
        assertEquals(0, flex.status(), flex::describe);
        assertEquals("provider: sun.nio.ch.EPollSelectorProvider", providerLine(jdk.out()), jdk::describe);
        assertEquals("provider: " + Children.FLEX_SELECTOR, providerLine(flex.out()), flex::describe);
        assertEquals(withoutProviderLine(jdk.out()), withoutProviderLine(flex.out()));
        assertTrue(jdk.out().contains("self-test passed: 4 connections x 200 messages"), jdk::describe);
    }
}
