package io.flexsc.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: without an engine (fallback mode), the streams of {@code Files.newInputStream} and
 * {@code newOutputStream} behave as the JDK default provider's under an interrupt: the JDK's are
 * uninterruptible, so an interrupted thread still writes and reads, keeps its interrupt status and
 * gets no ClosedByInterruptException.
 */
class FallbackStreamsInterruptTest {
    @TempDir
    Path dir;

    @Test
    void streamsOfAnInterruptedThreadBehaveAsTheJdksWithoutAnEngine() throws Exception {
        ChildJvm.Result jdk = ChildJvm.run("this", dir.resolve("jdk"), List.of(), InterruptedStreamsProbe.class.getName(),
                dir.resolve("jdk").toString());
        ChildJvm.Result ours = ChildJvm.run("this", dir.resolve("ours"), List.of(ChildJvm.FILE_PROVIDER,
                "-Dflexsc.engine=uring", "-Dflexsc.uring.injectSetupFailure=true"),
                InterruptedStreamsProbe.class.getName(), dir.resolve("ours").toString());
        assertEquals(0, jdk.exit(), jdk.toString());
        assertEquals(0, ours.exit(), ours.toString());
        assertTrue(ours.err().contains("no syscall engine could start"), "the fallback is in use:\n" + ours);
        assertEquals("ok", jdk.get("write"), "the JDK's own behaviour:\n" + jdk);
        for (String key : new String[] {"write", "interruptedAfterWrite", "read", "interrupted"}) {
            assertEquals(jdk.get(key), ours.get(key), key + "\nJDK:\n" + jdk + "\nours:\n" + ours);
        }
    }
}
