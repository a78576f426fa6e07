package io.flexsc.nio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.engine.EngineUnderTest;
import io.flexsc.nio.engine.TestEngines;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.channels.FdState;
import io.flexsc.nio.net.channels.FlexSelChannel;
import io.flexsc.nio.net.sys.NetIO;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An inherited listening socket whose open file description (blocking, shared with the parent and
 * System.in) another acceptor shares: the connection our channel saw ready is taken by that other
 * acceptor before our accept4 runs, so accept4 on the blocking description waits in the kernel.
 * That wait must still end as the JDK's blocking accept does, on close
 * (AsynchronousCloseException), on interrupt (ClosedByInterruptException) and at the socket
 * adaptor's SO_TIMEOUT (SocketTimeoutException); in non-blocking mode accept returns null. The
 * description's O_NONBLOCK flag must stay as it was throughout (F_GETFL on a duplicate of fd 0),
 * except where the JDK's non-blocking mode sets it.
 *
 * <p>The race is made deterministic in the child (python3 puts the socket on its stdin): while
 * the accepting thread waits in poll, the child holds the channel's state lock and connects to
 * itself; the thread's poll sees the connection and the thread then stops at the state lock in
 * {@code FdState.callMayWait}, just before accept4; meanwhile a second acceptor (accept4 on a
 * duplicate of fd 0) takes the connection; then the lock is released and the thread enters accept4
 * with nothing to accept (checked in /proc/self/task/N/syscall). Run on the JDK's provider (which
 * waits in the kernel's accept and has no poll before it, so there is nothing to steal) and on ours
 * on every engine and the forced ring; what each child reports must be the JDK's.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class InheritedAcceptStolenConnectionTest {
    private static final int TIMEOUT_MILLIS = 4000;
    /** Lines that are not compared with the JDK's. */
    private static final String NOTE = "# ";

    /** The child: args = report file, mode (close, interrupt, timeout, nonblocking). */
    public static void main(String[] args) throws Exception {
        // the description, shared with the parent: for F_GETFL, and as the second acceptor
        int shared = (int) RawSyscall.invoke3(SysNr.FCNTL, 0, Linux.F_DUPFD_CLOEXEC, 10);
        try (PrintStream report = new PrintStream(new java.io.FileOutputStream(args[0]), true, "UTF-8")) {
            child(report, args[1], shared);
        }
    }

    private static void child(PrintStream report, String mode, int shared) throws Exception {
        ServerSocketChannel ch = (ServerSocketChannel) System.inheritedChannel();
        boolean ours = ch instanceof FlexSelChannel;
        report.println(NOTE + "provider " + ch.provider().getClass().getName());
        report.println("flags-inherited " + flags(shared));
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        if (mode.equals("nonblocking")) {
            ch.configureBlocking(false);
            try (Selector sel = Selector.open(); Socket peer = new Socket()) {
                ch.register(sel, SelectionKey.OP_ACCEPT);
                peer.connect(local);
                report.println("ready " + sel.select(60_000));
                report.println("stolen " + steal(shared));
                report.println("accept " + ch.accept());
                report.println("flags " + flags(shared));
            }
            return;
        }
        if (mode.equals("timeout")) {
            ch.socket().setSoTimeout(TIMEOUT_MILLIS);
        }
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread acceptor = new Thread(() -> {
            try {
                outcome.complete("accepted " + (mode.equals("timeout") ? ch.socket().accept() : ch.accept()));
            } catch (Throwable e) {
                outcome.complete(e.getClass().getName());
            }
        }, "acceptor");
        acceptor.start();
        try {
            race(report, mode, ch, ours, shared, acceptor, outcome);
        } catch (AssertionError e) { // a wait gave up: where the acceptor was
            report.println("acceptor " + acceptor.getState() + ": " + e.getMessage());
            for (StackTraceElement f : acceptor.getStackTrace()) {
                report.println("    at " + f);
            }
            throw e;
        }
    }

    private static void race(PrintStream report, String mode, ServerSocketChannel ch, boolean ours, int shared, Thread acceptor,
            CompletableFuture<String> outcome) throws Exception {
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        try (Socket peer = new Socket()) {
            if (ours) {
                // in poll itself: the state lock is taken before it (in FdState.await) and next in callMayWait
                Await.until("the acceptor waiting in poll", () -> Await.isBlockedIn(acceptor, NetIO.class.getName(), "poll"));
                Object stateLock = stateLock(ch);
                synchronized (stateLock) {
                    peer.connect(local); // the acceptor's poll sees it ...
                    Await.until("the acceptor past its poll, before accept4", () -> acceptor.getState() == Thread.State.BLOCKED
                            && onStack(acceptor, FdState.class.getName(), "callMayWait"));
                    report.println(NOTE + "stolen " + steal(shared)); // ... and the other acceptor takes it
                }
                Await.until("the acceptor waiting in accept4", () -> inAccept4(((FlexSelChannel) ch).fdState().fd));
                report.println(NOTE + "in-accept4 true");
            } else {
                Await.until("the acceptor waiting", () -> waitingInAccept(acceptor));
            }
            report.println(NOTE + "during " + flags(shared));
            Thread ender = null;
            if (!mode.equals("timeout")) {
                // not from this thread: a close that hangs too (an interrupt closes) must not keep it from reporting
                ender = new Thread(() -> {
                    try {
                        if (mode.equals("close")) {
                            ch.close();
                        } else {
                            acceptor.interrupt();
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, "ender");
                ender.setDaemon(true);
                ender.start();
            }
            String how;
            try {
                how = outcome.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                report.println("hung in accept:");
                for (StackTraceElement f : acceptor.getStackTrace()) {
                    report.println("    at " + f);
                }
                report.flush();
                Runtime.getRuntime().halt(3);
                return;
            }
            report.println("outcome " + how);
            if (ender != null) {
                ender.join(TimeUnit.SECONDS.toMillis(30));
                if (ender.isAlive()) {
                    report.println("hung in close");
                    Runtime.getRuntime().halt(3);
                }
            }
            report.println("flags-end " + flags(shared));
        }
    }

    /** The second acceptor: accept4 on the shared description; whether it took a connection. */
    private static boolean steal(int shared) {
        long fd = RawSyscall.invoke(SysNr.ACCEPT4, shared, 0, 0, Linux.SOCK_CLOEXEC, 0, 0);
        if (fd >= 0) {
            RawSyscall.invoke3(SysNr.CLOSE, fd, 0, 0);
        }
        return fd >= 0;
    }

    /** "set" or "clear": O_NONBLOCK of the description, by F_GETFL. */
    private static String flags(int fd) {
        long fl = RawSyscall.invoke3(SysNr.FCNTL, fd, Linux.F_GETFL, 0);
        return fl < 0 ? "error " + -fl : (fl & Linux.O_NONBLOCK) != 0 ? "set" : "clear";
    }

    private static Object stateLock(ServerSocketChannel ch) throws ReflectiveOperationException {
        java.lang.reflect.Field f = FdState.class.getDeclaredField("stateLock");
        f.setAccessible(true);
        return f.get(((FlexSelChannel) ch).fdState());
    }

    private static boolean onStack(Thread t, String className, String methodName) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals(className) && f.getMethodName().equals(methodName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code t} is in the JDK's native I/O under an accept (in the kernel's accept, or its
     * timed poll); not any native frame, which class loading before the accept's begin() shows too.
     */
    private static boolean waitingInAccept(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        if (st.length == 0 || !st[0].isNativeMethod() || !st[0].getClassName().startsWith("sun.nio.ch.")) {
            return false;
        }
        for (StackTraceElement f : st) {
            if (f.getMethodName().toLowerCase(java.util.Locale.ROOT).contains("accept")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a thread of this process is in accept4(fd, ...) (its /proc/self/task/N/syscall). */
    private static boolean inAccept4(int fd) {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String[] call;
                try {
                    call = Files.readString(task.resolve("syscall")).trim().split(" ");
                } catch (IOException gone) {
                    continue;
                }
                if (call.length > 1 && call[0].equals(Integer.toString(SysNr.ACCEPT4)) && Long.decode(call[1]) == fd) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "interrupt", "timeout", "nonblocking"})
    void aStolenConnectionDoesNotStrandTheAccept(String mode) throws Exception {
        String jdk = run(List.of(), mode);
        assertTrue(jdk.contains("provider sun.nio.ch."), jdk);
        String expected = compared(jdk);
        String outcome = switch (mode) {
            case "close" -> "outcome " + AsynchronousCloseException.class.getName();
            case "interrupt" -> "outcome " + ClosedByInterruptException.class.getName();
            case "timeout" -> "outcome " + java.net.SocketTimeoutException.class.getName();
            default -> "accept null";
        };
        assertTrue(expected.startsWith("flags-inherited clear\n") && expected.contains(outcome + "\n")
                && (mode.equals("nonblocking") ? expected.contains("ready 1\nstolen true\naccept null\nflags set\n") : expected.endsWith("flags-end clear\n")),
                "the JDK's child: " + jdk);
        List<String> failures = new ArrayList<>();
        for (EngineUnderTest e : TestEngines.available().toList()) { // every engine and the forced ring
            List<String> cfg = new ArrayList<>();
            cfg.add("-Djava.nio.channels.spi.SelectorProvider=" + FlexSelectorProvider.class.getName());
            cfg.addAll(e.jvmOptions());
            String ours = run(cfg, mode);
            boolean raced = mode.equals("nonblocking")
                    || ours.contains(NOTE + "stolen true\n" + NOTE + "in-accept4 true\n" + NOTE + "during clear\n");
            if (!ours.contains(NOTE + "provider " + FlexSelectorProvider.class.getName()) || !raced
                    || !compared(ours).equals(expected)) {
                failures.add(e.name() + ":\n" + ours + "\nexpected (the JDK's):\n" + expected);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static String compared(String report) {
        return report.lines().filter(l -> !l.startsWith(NOTE)).reduce("", (a, b) -> a + b + "\n");
    }

    /** Runs one child with a blocking listening socket as its stdin; what it reported. */
    private static String run(List<String> jvmArgs, String mode) throws Exception {
        try (InheritedSocketChild child = InheritedSocketChild.start(InheritedSocketChild.Kind.LISTENING, jvmArgs,
                InheritedAcceptStolenConnectionTest.class, mode)) {
            return child.awaitReport();
        }
    }
}
