package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.CallPort;
import io.flexsc.nio.engine.uring.PortAccess;
import io.flexsc.nio.fs.FlexFileSystemProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * No monitor is held while a virtual thread parks in a file channel (issue 19): on JDK 21-23 a
 * monitor held across a park pins the carrier. JDK 24+ no longer pins, so pinning cannot be seen
 * here; instead each test parks a virtual thread inside one of the channel's blocking operations
 * (a posted call whose completion the port holds, a readiness wait on a FIFO, a close waiting for
 * a call in the kernel) and reads the JDK's JSON thread dump, which lists the monitors a virtual
 * thread owns ({@code monitorsOwned}, JDK 24+), and its stack, which shows where it parked and
 * that it does not wait in {@code Object.wait} (which pins on JDK 21-23 as well). Only monitors
 * taken by our code count: the JDK's {@code AbstractInterruptibleChannel.close} holds a monitor of
 * its own around {@code implCloseChannel}, as it does around its own channels' close.
 */
@EnabledForJreRange(min = JRE.JAVA_24, disabledReason = "the JSON thread dump lists virtual threads' monitors from JDK 24 on (runs in the JDK 25 pass)")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadNoMonitorAcrossParkTest {
    @TempDir
    Path dir;

    private FileSystem fs;
    private CallPort port;

    @BeforeEach
    void setUp() {
        FlexFileSystemProvider fsp = new FlexFileSystemProvider(FileSystems.getDefault().provider());
        fs = fsp.getFileSystem(URI.create("file:///"));
        port = PortAccess.sharedUringPort();
    }

    @AfterEach
    void release() {
        if (port != null) {
            PortAccess.holdCompletions(port, false);
        }
    }

    @FunctionalInterface
    interface Op {
        Object run(FileChannel ch) throws Exception;
    }

    /**
     * Starts {@code op} on a fresh channel of a 64 KiB file in a virtual thread with the port's
     * completions held, waits until it is parked with its call in the kernel, checks the dump, and
     * lets it finish.
     */
    private void parkedInAPostedCall(String what, Op op, StandardOpenOption... opts) throws Exception {
        Path f = dir.resolve(what.replace(' ', '_'));
        Files.write(f, new byte[65536]);
        try (FileChannel ch = FileChannel.open(fs.getPath(f.toString()), opts)) {
            AtomicReference<Object> result = new AtomicReference<>();
            int before = PortAccess.inflight(port);
            PortAccess.holdCompletions(port, true);
            Thread t = VThreads.unstarted(what, () -> {
                try {
                    result.set(op.run(ch));
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            t.start();
            try {
                VThreads.awaitTrue(() -> PortAccess.inflight(port) > before && t.getState() == Thread.State.WAITING, 20_000,
                        what + ": the call posted and its thread parked");
                assertParkedWithoutMonitors(t, what, "io.flexsc.nio.vthread.VtCalls");
            } finally {
                PortAccess.holdCompletions(port, false); // before the channel's close, which waits for the call
            }
            t.join(30_000);
            assertFalse(t.isAlive(), what + " finished once released");
            assertFalse(result.get() instanceof Throwable, what + ": " + result.get());
        }
    }

    private void assertParkedWithoutMonitors(Thread t, String what, String parkedIn) throws Exception {
        assertParkedWithoutMonitors(t, what, parkedIn, "io.flexsc.nio.fs.FlexFileChannel");
    }

    private void assertParkedWithoutMonitors(Thread t, String what, String parkedIn, String channel) throws Exception {
        String entry = ThreadDumps.entryOf(t, dir);
        assertTrue(entry.contains(parkedIn), what + ": parked in " + parkedIn + ":\n" + entry);
        assertTrue(entry.contains(channel), what + ": parked in the channel:\n" + entry);
        // the JDK's own monitors are not ours to change (AbstractInterruptibleChannel.close holds its
        // closeLock while implCloseChannel runs, as around the JDK's own channels' close)
        List<String> ours = ThreadDumps.framesOwningMonitors(entry).stream().filter(f -> f.startsWith("io.flexsc.nio.")).toList();
        assertEquals(List.of(), ours, what + ": a virtual thread parked while our code held a monitor:\n" + entry);
        assertFalse(entry.contains("java.lang.Object.wait"), what + ": a virtual thread waits in Object.wait:\n" + entry);
    }

    @Test
    void relativeRead() throws Exception {
        parkedInAPostedCall("relative read", ch -> ch.read(ByteBuffer.allocate(4096)), StandardOpenOption.READ);
    }

    @Test
    void scatteringRead() throws Exception {
        parkedInAPostedCall("scattering read",
                ch -> ch.read(new ByteBuffer[] {ByteBuffer.allocateDirect(100), ByteBuffer.allocateDirect(200)}),
                StandardOpenOption.READ);
    }

    @Test
    void relativeWrite() throws Exception {
        parkedInAPostedCall("relative write", ch -> ch.write(ByteBuffer.allocateDirect(4096)), StandardOpenOption.WRITE);
    }

    @Test
    void gatheringWrite() throws Exception {
        parkedInAPostedCall("gathering write", ch -> ch.write(new ByteBuffer[] {ByteBuffer.allocate(100), ByteBuffer.allocate(200)}),
                StandardOpenOption.WRITE);
    }

    @Test
    void positionalWriteInAppendMode() throws Exception {
        parkedInAPostedCall("positional write in append mode", ch -> ch.write(ByteBuffer.allocate(100), 5),
                StandardOpenOption.APPEND);
    }

    /** A relative read of a FIFO waits for data in the port's readiness wait (a stream's relative transfer). */
    @Test
    void fifoReadWaitingForData() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        // read and write: the open does not wait for a writer, and the read waits for data
        try (FileChannel ch = FileChannel.open(fs.getPath(fifo.toString()), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = VThreads.unstarted("fifo reader", () -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    result.set(ch.read(b));
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            t.start();
            VThreads.awaitTrue(() -> t.getState() == Thread.State.WAITING, 20_000, "the FIFO's reader parked");
            assertParkedWithoutMonitors(t, "FIFO read", "io.flexsc.nio.vthread.VtPoller");
            Files.write(fifo, "data".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            t.join(30_000);
            assertFalse(t.isAlive(), "the reader finished once the data came");
            assertEquals(4, result.get());
        }
    }

    /** A close from a virtual thread waits for a call in the kernel: parked, not in Object.wait, no monitor. */
    @Test
    void closeWaitingForACallInTheKernel() throws Exception {
        Path f = dir.resolve("c.bin");
        Files.write(f, new byte[8192]);
        FileChannel ch = FileChannel.open(fs.getPath(f.toString()), StandardOpenOption.READ);
        AtomicReference<Object> result = new AtomicReference<>();
        int before = PortAccess.inflight(port);
        PortAccess.holdCompletions(port, true);
        Thread reader = VThreads.unstarted("reader", () -> {
            try {
                result.set(ch.read(ByteBuffer.allocate(8192), 0));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        reader.start();
        VThreads.awaitTrue(() -> PortAccess.inflight(port) > before && reader.getState() == Thread.State.WAITING, 20_000,
                "the read posted and its reader parked");
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        Thread closer = VThreads.unstarted("closer", () -> {
            try {
                ch.close();
            } catch (Throwable e) {
                closeFailure.set(e);
            }
        });
        closer.start();
        try {
            VThreads.awaitTrue(() -> !ch.isOpen() && closer.getState() == Thread.State.WAITING, 20_000,
                    "the closer waits for the read in the kernel");
            assertTrue(reader.isAlive(), "the reader waits for its completion");
            assertParkedWithoutMonitors(closer, "close", "implCloseChannel");
        } finally {
            PortAccess.holdCompletions(port, false);
        }
        reader.join(30_000);
        closer.join(30_000);
        assertFalse(reader.isAlive() || closer.isAlive(), "both finish once the completion is reaped");
        assertEquals(null, closeFailure.get());
    }

    /** A pipe's blocking read (the net channels' readiness wait, FdState) parks without a monitor of ours. */
    @Test
    void pipeReadWaitingForData() throws Exception {
        java.nio.channels.Pipe pipe = new io.flexsc.nio.net.FlexSelectorProvider().openPipe();
        try (java.nio.channels.Pipe.SourceChannel source = pipe.source(); java.nio.channels.Pipe.SinkChannel sink = pipe.sink()) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = VThreads.unstarted("pipe reader", () -> {
                try {
                    result.set(source.read(ByteBuffer.allocate(16)));
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            t.start();
            VThreads.awaitTrue(() -> t.getState() == Thread.State.WAITING, 20_000, "the pipe's reader parked");
            assertParkedWithoutMonitors(t, "pipe read", "io.flexsc.nio.vthread.VtPoller", "io.flexsc.nio.net.channels.FlexPipe");
            sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            t.join(30_000);
            assertFalse(t.isAlive(), "the reader finished once the data came");
            assertEquals(3, result.get());
        }
    }

    /** DatagramSocket.receive on our channel's adaptor waits for a datagram without the packet's monitor (nor one of ours). */
    @Test
    void datagramAdaptorReceiveWaitingForData() throws Exception {
        try (java.nio.channels.DatagramChannel dc = new io.flexsc.nio.net.FlexSelectorProvider().openDatagramChannel();
             java.net.DatagramSocket peer = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            dc.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            java.net.DatagramSocket socket = dc.socket();
            java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[32], 4, 20);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = VThreads.unstarted("datagram receiver", () -> {
                try {
                    socket.receive(packet);
                    result.set(new String(packet.getData(), packet.getOffset(), packet.getLength(), java.nio.charset.StandardCharsets.US_ASCII));
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            t.start();
            VThreads.awaitTrue(() -> t.getState() == Thread.State.WAITING, 20_000, "the receiver parked");
            String entry = ThreadDumps.entryOf(t, dir);
            assertTrue(entry.contains("io.flexsc.nio.net.channels.DatagramSocketAdaptor.receive"), "parked in the adaptor's receive:\n" + entry);
            assertEquals(List.of(), ThreadDumps.framesOwningMonitors(entry), "no monitor held across the park:\n" + entry);
            byte[] msg = "datagram".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            peer.send(new java.net.DatagramPacket(msg, msg.length, dc.getLocalAddress()));
            t.join(30_000);
            assertFalse(t.isAlive(), "the receiver finished once the datagram came");
            assertEquals("datagram", result.get());
            assertEquals(peer.getLocalSocketAddress(), packet.getSocketAddress(), "the sender");
            assertEquals(4, packet.getOffset());
        }
    }
}
