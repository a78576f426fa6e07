package io.flexsc.nio.vthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.flexsc.nio.ChildJvm;
import io.flexsc.nio.engine.AllEngines;
import io.flexsc.nio.engine.EngineUnderTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * jdk.httpserver with a virtual-thread-per-task executor, under java.net.http.HttpClient load, with
 * our SelectorProvider installed (a child JVM per engine): every response verified. Meanwhile virtual threads
 * block in selects and pipe reads too, and JFR records {@code jdk.VirtualThreadPinned} with a
 * threshold of 0: no event may have a frame in our main code. A control virtual thread pins on
 * purpose (it parks in a class initializer, which pins on every JDK) so the check is seen to catch
 * a pinned park with io.flexsc frames. Before the load, one virtual thread alone does each kind of
 * wait once: what is checked is the steady state, not class initialization at first use (a virtual
 * thread that waits for another to initialize a class pins its carrier meanwhile, whatever the class).
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
class VirtualThreadHttpServerTest {
    @TempDir
    Path dir;

    @AllEngines
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void httpServerOnVirtualThreadsNothingPinned(EngineUnderTest engine) throws Exception {
        List<String> opts = new ArrayList<>(engine.jvmOptions());
        opts.add(ChildJvm.SELECTOR_PROVIDER);
        ChildJvm.Result r = ChildJvm.run("this", dir, opts, Load.class.getName(), dir.resolve("pinned.jfr").toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("io.flexsc.nio.net.FlexSelectorProvider", r.get("provider"), r.toString());
        assertEquals(Load.CLIENTS * Load.REQUESTS + "", r.get("verified"), r.toString());
        assertEquals(Load.BLOCKERS + "", r.get("blockersDone"), r.toString());
        assertTrue(Integer.parseInt(r.get("controlPinned")) >= 1,
                "the control's pinned park was recorded with its io.flexsc frames: " + r);
        assertEquals("0", r.get("ourPinned"), r.toString());
    }

    /** The child JVM. */
    public static final class Load {
        static final int CLIENTS = 64;
        static final int REQUESTS = 25;
        static final int BLOCKERS = 32;

        /** Parks in its initializer: a virtual thread initializing it pins (the control). */
        static final class PinControl {
            static {
                LockSupport.parkNanos(20_000_000L);
            }

            static void touch() {
                // initializes the class
            }
        }

        public static void main(String[] args) throws Exception {
            System.out.println("provider=" + SelectorProvider.provider().getClass().getName());
            Recording rec = new Recording();
            rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            rec.start();

            ExecutorService serverExec = VThreads.perTaskExecutor();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(serverExec);
            server.createContext("/echo", ex -> {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                byte[] resp = ("echo " + ex.getRequestURI().getQuery() + " " + new String(body, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, resp.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(resp);
                }
            });
            server.start();
            int port = server.getAddress().getPort();

            HttpClient client = HttpClient.newBuilder().executor(VThreads.perTaskExecutor()).build();
            warmUp(client, port);

            // beside the HTTP load: virtual threads blocked in selects and pipe reads, then released
            CountDownLatch blockersDone = new CountDownLatch(BLOCKERS);
            AtomicInteger blockersOk = new AtomicInteger();
            Selector[] sels = new Selector[BLOCKERS / 2];
            Pipe[] pipes = new Pipe[BLOCKERS / 2];
            for (int i = 0; i < BLOCKERS / 2; i++) {
                int k = i;
                sels[i] = Selector.open();
                pipes[i] = Pipe.open();
                VThreads.start(() -> {
                    try {
                        if (sels[k].select() == 0) {
                            blockersOk.incrementAndGet();
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    } finally {
                        blockersDone.countDown();
                    }
                });
                VThreads.start(() -> {
                    try {
                        if (pipes[k].source().read(ByteBuffer.allocate(8)) == 1) {
                            blockersOk.incrementAndGet();
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    } finally {
                        blockersDone.countDown();
                    }
                });
            }

            Thread control = VThreads.start(PinControl::touch);

            AtomicInteger verified = new AtomicInteger();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                int k = c;
                VThreads.start(() -> {
                    try {
                        for (int j = 0; j < REQUESTS; j++) {
                            String body = "body of " + k + "/" + j;
                            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo?c=" + k + "&r=" + j))
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build();
                            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                            if (resp.statusCode() == 200 && resp.body().equals("echo c=" + k + "&r=" + j + " " + body)) {
                                verified.incrementAndGet();
                            } else {
                                failures.add(k + "/" + j + ": " + resp.statusCode() + " " + resp.body());
                            }
                        }
                    } catch (Exception e) {
                        failures.add(k + ": " + e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            boolean finished = done.await(90, TimeUnit.SECONDS);
            for (int i = 0; i < BLOCKERS / 2; i++) {
                sels[i].wakeup();
                pipes[i].sink().write(ByteBuffer.wrap(new byte[] {1}));
            }
            blockersDone.await(30, TimeUnit.SECONDS);
            control.join(10_000);
            server.stop(0);
            rec.stop();
            Path file = Path.of(args[0]);
            rec.dump(file);

            int controlEvents = 0;
            int ours = 0;
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned") || e.getStackTrace() == null) {
                    continue;
                }
                boolean isControl = false;
                boolean inMain = false;
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String cls = f.getMethod().getType().getName();
                    isControl |= cls.startsWith(PinControl.class.getName());
                    inMain |= isMainCode(cls);
                }
                if (isControl && inMain) {
                    controlEvents++;
                } else if (inMain) {
                    ours++;
                    System.out.println("PINNED in our code: " + e);
                }
            }
            System.out.println("finished=" + finished);
            System.out.println("failures=" + failures.size());
            failures.stream().limit(10).forEach(System.out::println);
            System.out.println("verified=" + verified.get());
            System.out.println("blockersDone=" + blockersOk.get());
            System.out.println("controlPinned=" + controlEvents);
            System.out.println("ourPinned=" + ours);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }

        /** One virtual thread, alone: a pipe read, a select and an HTTP exchange, each waiting once. */
        static void warmUp(HttpClient client, int port) throws Exception {
            Pipe pipe = Pipe.open();
            Selector sel = Selector.open();
            Thread t = VThreads.start(() -> {
                try {
                    pipe.source().read(ByteBuffer.allocate(1));
                    sel.select();
                    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo?warm")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaiting(t);
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            awaitWaiting(t);
            sel.wakeup();
            t.join(30_000);
            pipe.source().close();
            pipe.sink().close();
            sel.close();
        }

        private static void awaitWaiting(Thread t) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(1); // polling the thread's state, with a deadline
            }
        }

        /** A class of the provider's main code (the tests' own classes, as this one, are not). */
        static boolean isMainCode(String cls) {
            if (cls.startsWith(PinControl.class.getName())) {
                return true; // the control stands for our code: its event must be seen by this check
            }
            return cls.startsWith("io.flexsc.nio.") && !cls.startsWith("io.flexsc.nio.vthread.VirtualThread")
                    && !cls.startsWith("io.flexsc.nio.vthread.VThreads");
        }
    }
}
