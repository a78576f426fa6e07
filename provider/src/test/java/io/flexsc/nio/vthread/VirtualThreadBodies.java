package io.flexsc.nio.vthread;

import io.flexsc.nio.Await;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs every test body in a virtual thread of its own, and checks with JFR that nothing pinned a
 * carrier in our code meanwhile: issue 19's "the engine, fs and net suites with their test bodies
 * run in virtual threads". Off unless {@code -Dflexsc.test.virtualThreadBodies=true} (the Maven
 * execution {@code virtual-thread-bodies}, JDK 21+ only, sets it); off, it changes nothing: every
 * call goes straight on.
 *
 * <p>Registered for every test class through JUnit's extension auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit-platform.properties} in the test resources). When on:
 * <ul>
 *   <li>each {@code @Test}, {@code @ParameterizedTest} (so {@code @AllEngines}) and dynamic test's
 *       body, and each {@code @BeforeEach}/{@code @AfterEach} method, runs in a new virtual thread
 *       named {@code vt-body <class>#<test>}; the test's thread waits for it, bounded
 *       ({@value #BOUND_MINUTES} min, scaled by {@code -Dflexsc.test.timeoutScale}), and rethrows what
 *       it threw, unchanged. A JUnit {@code @Timeout} still applies: it interrupts the waiting thread,
 *       which passes the interrupt on to the body. Constructors and {@code @BeforeAll}/{@code @AfterAll}
 *       stay on the platform thread (they set up what the bodies share);</li>
 *   <li>each top-level test class runs under a JFR recording of {@code jdk.VirtualThreadPinned} with
 *       a threshold of 0 and stack traces. At the end of the class, an event with a frame of the
 *       provider's main code (a class loaded from the same place as {@link VtPoller}; the tests' own
 *       classes, also {@code io.flexsc.*}, are not main code) fails the class with the events listed;
 *       the thread name says which test's body pinned. Pinning with only JDK, JUnit or test frames is
 *       printed and does not fail;</li>
 *   <li>the same recording samples threads in native code ({@code jdk.NativeMethodSample}, every
 *       {@link #NATIVE_SAMPLE_PERIOD}): a virtual thread seen in one native call below our main code
 *       in {@link #HELD_MIN_SAMPLES} samples in a row held its carrier there (a wait that should
 *       have parked, say). That is printed, not failed: the engine-level tests make blocking system
 *       calls on the caller's thread by design, and a loaded machine stretches any call;</li>
 *   <li>the first class also runs a control: a virtual thread that parks in a class initializer,
 *       which pins on every JDK. If that class's recording does not show the control's event, the
 *       check cannot be trusted and the class fails;</li>
 *   <li>the tests in {@link #PLATFORM_ONLY} run on the platform thread, each printed with its reason
 *       when it runs.</li>
 * </ul>
 * Asked for on a JDK without virtual threads, every class fails: nothing is skipped silently.
 */
public final class VirtualThreadBodies implements InvocationInterceptor, BeforeAllCallback, AfterAllCallback {
    /** The switch. */
    public static final String PROPERTY = "flexsc.test.virtualThreadBodies";

    static final long BOUND_MINUTES = 5;
    /** How long a body may take to end once interrupted by a @Timeout or by our bound. */
    static final Duration GRACE = Duration.ofSeconds(10);
    private static final String PREFIX = "[virtual-thread bodies] ";
    /** How often JFR samples threads in native code (a virtual thread there holds its carrier). */
    static final Duration NATIVE_SAMPLE_PERIOD = Duration.ofMillis(20);
    /** Consecutive native samples of one thread at one place that make a wait worth reporting. */
    static final int HELD_MIN_SAMPLES = 3;

    /**
     * Tests whose bodies run on the test's platform thread even when bodies run in virtual threads,
     * keyed {@code class#method} (every test of that method) or {@code class} (the whole class),
     * each with why. Only tests that assume a platform thread by design belong here; a test that
     * fails in a virtual thread because of our code is a bug to fix, not an entry.
     */
    static final Map<String, String> PLATFORM_ONLY = Map.of();

    private static final boolean REQUESTED = Boolean.getBoolean(PROPERTY);
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(VirtualThreadBodies.class);
    private static volatile boolean controlDone;

    @Override
    public void beforeAll(ExtensionContext ec) throws Exception {
        if (!REQUESTED || !topLevel(ec)) {
            return;
        }
        if (!VThreads.supported()) {
            throw new ExtensionConfigurationException("-D" + PROPERTY + "=true, but this JDK ("
                    + System.getProperty("java.version") + ") has no virtual threads: run it on JDK 21+");
        }
        String stale = staleExclusions();
        if (stale != null) {
            throw new ExtensionConfigurationException(stale);
        }
        Recording rec = new Recording();
        rec.setName("virtual-thread bodies: " + ec.getRequiredTestClass().getName());
        rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
        rec.enable("jdk.NativeMethodSample").withPeriod(NATIVE_SAMPLE_PERIOD);
        rec.start();
        ExtensionContext.Store store = ec.getStore(NS);
        store.put(Recording.class, rec);
        if (!controlDone) {
            controlDone = true;
            System.out.println(PREFIX + "on: test bodies run in virtual threads; JFR records jdk.VirtualThreadPinned;"
                    + " on the platform thread by design: " + (PLATFORM_ONLY.isEmpty() ? "none" : PLATFORM_ONLY.size() + " (printed as they run)"));
            Thread control = VThreads.unstarted("vt-body pin control", PinControl::touch);
            control.start();
            control.join(TimeUnit.SECONDS.toMillis(30));
            store.put(PinControl.class, Boolean.TRUE);
        }
    }

    @Override
    public void afterAll(ExtensionContext ec) throws Exception {
        if (!REQUESTED || !topLevel(ec)) {
            return;
        }
        ExtensionContext.Store store = ec.getStore(NS);
        Recording rec = store.remove(Recording.class, Recording.class);
        if (rec == null) {
            return; // beforeAll failed
        }
        boolean expectControl = store.remove(PinControl.class) != null;
        List<RecordedEvent> events;
        Path file = Files.createTempFile("vt-bodies", ".jfr");
        try {
            rec.stop();
            rec.dump(file);
            events = RecordingFile.readAllEvents(file);
        } finally {
            rec.close();
            Files.deleteIfExists(file);
        }
        List<String> ours = new ArrayList<>();
        Map<String, Integer> others = new TreeMap<>();
        Map<String, List<Long>> inNative = new TreeMap<>(); // "thread id|where" -> sample times
        int control = 0;
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.NativeMethodSample")) {
                String where = heldInNative(e);
                if (where != null) {
                    inNative.computeIfAbsent(e.getThread("sampledThread").getId() + "|" + where, k -> new ArrayList<>())
                            .add(e.getStartTime().toEpochMilli());
                }
                continue;
            }
            if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            switch (classify(e)) {
                case CONTROL -> control++;
                case OURS -> ours.add(describe(e, true));
                case OTHERS -> others.merge(describe(e, false), 1, Integer::sum);
            }
        }
        String cls = ec.getRequiredTestClass().getName();
        if (!others.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            others.forEach((k, v) -> sb.append("\n  ").append(v).append(" x").append(k));
            System.out.println(PREFIX + cls + ": pinned parks without a frame of our main code (reported, not failing):" + sb);
        }
        Map<String, Long> held = longestRuns(inNative);
        if (!held.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            held.forEach((k, v) -> sb.append("\n  ~").append(v).append(" ms in ").append(k));
            System.out.println(PREFIX + cls + ": virtual threads that stayed in one native call below our main code, their"
                    + " carrier held (JFR samples every " + NATIVE_SAMPLE_PERIOD.toMillis() + " ms; reported, not failing):" + sb);
        }
        if (expectControl) {
            System.out.println(PREFIX + "the pin control was recorded " + control + " time(s)");
            if (control == 0) {
                throw new AssertionError(PREFIX + "the JFR check saw no jdk.VirtualThreadPinned event of its control"
                        + " (a virtual thread parked in a class initializer): it cannot be trusted in this run");
            }
        }
        if (!ours.isEmpty()) {
            throw new AssertionError(PREFIX + cls + ": " + ours.size() + " virtual thread(s) pinned a carrier in our"
                    + " main code (JFR jdk.VirtualThreadPinned):\n" + String.join("\n", ours));
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic, ExtensionContext ec)
            throws Throwable {
        run(invocation, ec);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext ec) throws Throwable {
        run(invocation, ec);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext ic, ExtensionContext ec)
            throws Throwable {
        run(invocation, ec);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext ec) throws Throwable {
        run(invocation, ec);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext ec) throws Throwable {
        run(invocation, ec);
    }

    private static void run(Invocation<Void> invocation, ExtensionContext ec) throws Throwable {
        if (!REQUESTED || !VThreads.supported()) {
            invocation.proceed();
            return;
        }
        String why = platformOnly(ec);
        if (why != null) {
            invocation.proceed();
            return;
        }
        Body body = new Body(invocation);
        Thread t = VThreads.unstarted("vt-body " + testClass(ec).getSimpleName() + "#" + testName(ec), body);
        t.start();
        long bound = Await.scaled(Duration.ofMinutes(BOUND_MINUTES)).toMillis();
        try {
            t.join(bound);
        } catch (InterruptedException e) {
            // a @Timeout gave up on the test: the body gets the interrupt, and a bounded while to end
            t.interrupt();
            boolean ended = joinQuietly(t);
            Thread.currentThread().interrupt();
            if (!ended) {
                throw stuck(t, "was interrupted (a @Timeout) and did not end within " + GRACE.toSeconds() + " s");
            }
            body.rethrow();
            return;
        }
        if (t.isAlive()) {
            AssertionError stuck = stuck(t, "did not end within " + bound / 1000 + " s");
            t.interrupt();
            joinQuietly(t);
            throw stuck;
        }
        body.rethrow();
    }

    /** Joins {@code t} for {@link #GRACE} whatever interrupts arrive; whether it ended. */
    private static boolean joinQuietly(Thread t) {
        long deadline = System.nanoTime() + GRACE.toNanos();
        boolean interrupted = false;
        try {
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static AssertionError stuck(Thread t, String what) {
        AssertionError e = new AssertionError(PREFIX + "the test body in virtual thread '" + t.getName() + "' " + what
                + "; its stack is this error's cause");
        Throwable where = new Throwable("stack of " + t.getName() + " (" + t.getState() + ")");
        where.setStackTrace(t.getStackTrace());
        e.initCause(where);
        return e;
    }

    /** A body run in a virtual thread: what it threw, if anything. */
    private static final class Body implements Runnable {
        private final Invocation<Void> invocation;
        private volatile Throwable failure;

        Body(Invocation<Void> invocation) {
            this.invocation = invocation;
        }

        @Override
        public void run() {
            try {
                invocation.proceed();
            } catch (Throwable e) {
                failure = e;
            }
        }

        void rethrow() throws Throwable {
            Throwable f = failure;
            if (f != null) {
                throw f;
            }
        }
    }

    private static String testName(ExtensionContext ec) {
        String m = testMethod(ec).map(Method::getName).orElse("");
        String d = ec.getDisplayName();
        return d.startsWith(m) ? d : m + " " + d;
    }

    /** The test class (a dynamic test's context has none of its own: its parents' then). */
    private static Class<?> testClass(ExtensionContext ec) {
        for (Optional<ExtensionContext> c = Optional.of(ec); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestClass().isPresent()) {
                return c.get().getTestClass().get();
            }
        }
        throw new IllegalStateException("no test class for " + ec.getUniqueId());
    }

    /** The test method (a dynamic test's: its factory's). */
    private static Optional<Method> testMethod(ExtensionContext ec) {
        for (Optional<ExtensionContext> c = Optional.of(ec); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestMethod().isPresent()) {
                return c.get().getTestMethod();
            }
        }
        return Optional.empty();
    }

    private static boolean topLevel(ExtensionContext ec) {
        Optional<ExtensionContext> parent = ec.getParent();
        return parent.isEmpty() || parent.get().getTestClass().isEmpty();
    }

    // ---- the tests that stay on a platform thread

    private static final Map<String, Boolean> PRINTED = new ConcurrentHashMap<>();

    /** Why this test's bodies stay on the platform thread, or null; printed once per test. */
    private static String platformOnly(ExtensionContext ec) {
        Class<?> c = testClass(ec);
        String why = null;
        for (Class<?> k = c; k != null && why == null; k = k.getEnclosingClass()) {
            why = PLATFORM_ONLY.get(k.getName());
        }
        Optional<Method> m = testMethod(ec);
        if (why == null && m.isPresent()) {
            why = PLATFORM_ONLY.get(m.get().getDeclaringClass().getName() + "#" + m.get().getName());
        }
        if (why != null && PRINTED.putIfAbsent(ec.getUniqueId(), Boolean.TRUE) == null) {
            System.out.println(PREFIX + "on the platform thread by design: " + c.getName() + "#" + testName(ec) + ": " + why);
        }
        return why;
    }

    /** An entry of {@link #PLATFORM_ONLY} that names no class or method, or null. */
    private static String staleExclusions() {
        List<String> stale = new ArrayList<>();
        for (String key : PLATFORM_ONLY.keySet()) {
            int hash = key.indexOf('#');
            String cls = hash < 0 ? key : key.substring(0, hash);
            try {
                Class<?> c = Class.forName(cls, false, VirtualThreadBodies.class.getClassLoader());
                if (hash >= 0 && Arrays.stream(c.getDeclaredMethods()).noneMatch(m -> m.getName().equals(key.substring(hash + 1)))) {
                    stale.add(key + " (no such method)");
                }
            } catch (ClassNotFoundException e) {
                stale.add(key + " (no such class)");
            }
        }
        return stale.isEmpty() ? null : PREFIX + "PLATFORM_ONLY names what does not exist: " + stale;
    }

    // ---- classifying pinned events

    private enum Kind { CONTROL, OURS, OTHERS }

    private static final Map<String, Boolean> MAIN_CODE = new ConcurrentHashMap<>();

    private static Kind classify(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return Kind.OTHERS;
        }
        boolean ours = false;
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod() == null) {
                continue;
            }
            String cls = f.getMethod().getType().getName();
            if (cls.equals(PinControl.class.getName())) {
                return Kind.CONTROL;
            }
            ours |= isMainCode(cls);
        }
        return ours ? Kind.OURS : Kind.OTHERS;
    }

    /**
     * Whether {@code cls} (a frame's class, perhaps a lambda's hidden class) is the provider's main
     * code: loaded from where {@link VtPoller} was. A class of ours that cannot be loaded by name
     * counts as main code, so that nothing of ours escapes the check.
     */
    static boolean isMainCode(String cls) {
        if (!cls.startsWith("io.flexsc.")) {
            return false;
        }
        int hidden = cls.indexOf("$$");
        String name = hidden < 0 ? cls : cls.substring(0, hidden);
        int slash = name.indexOf('/');
        String base = slash < 0 ? name : name.substring(0, slash);
        return MAIN_CODE.computeIfAbsent(base, VirtualThreadBodies::loadedFromMain);
    }

    private static boolean loadedFromMain(String name) {
        try {
            Class<?> c = Class.forName(name, false, VirtualThreadBodies.class.getClassLoader());
            return sameLocation(c, VtPoller.class);
        } catch (ClassNotFoundException | LinkageError e) {
            return true;
        }
    }

    private static boolean sameLocation(Class<?> a, Class<?> b) {
        URL la = location(a);
        URL lb = location(b);
        return la != null && la.toString().equals(lb == null ? null : lb.toString());
    }

    private static URL location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs == null ? null : cs.getLocation();
    }

    /**
     * Native samples of one thread at one place, in runs of consecutive samples (one call, most
     * likely): the places where a run spans at least {@link #HELD_MIN_SAMPLES} samples, with the
     * longest run's span in ms. A lone sample is an ordinary system call caught in passing.
     */
    private static Map<String, Long> longestRuns(Map<String, List<Long>> samples) {
        Map<String, Long> out = new TreeMap<>();
        long gap = NATIVE_SAMPLE_PERIOD.toMillis() * 2;
        samples.forEach((key, times) -> {
            times.sort(null);
            int run = 1;
            long start = times.get(0);
            for (int i = 1; i <= times.size(); i++) {
                if (i < times.size() && times.get(i) - times.get(i - 1) <= gap) {
                    run++;
                    continue;
                }
                if (run >= HELD_MIN_SAMPLES) {
                    long span = times.get(i - 1) - start + NATIVE_SAMPLE_PERIOD.toMillis();
                    out.merge(key.substring(key.indexOf('|') + 1), span, Math::max);
                }
                if (i < times.size()) {
                    run = 1;
                    start = times.get(i);
                }
            }
        });
        return out;
    }

    /**
     * A {@code jdk.NativeMethodSample} of a virtual thread whose stack has our main code: where (the
     * native frame and the innermost frame of ours), else null. Such a thread holds its carrier.
     */
    private static String heldInNative(RecordedEvent e) {
        RecordedThread t = e.getThread("sampledThread");
        if (t == null || e.getStackTrace() == null || !isVirtual(t)) {
            return null;
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        if (frames.isEmpty() || frames.get(0).getMethod() == null) {
            return null;
        }
        String top = frames.get(0).getMethod().getType().getName() + "." + frames.get(0).getMethod().getName();
        String lower = null; // the innermost frame of ours in ffi or engine, if no caller of theirs is ours
        StringBuilder callers = new StringBuilder(); // up to 3 frames of ours above ffi and engine
        int n = 0;
        for (RecordedFrame f : frames) {
            if (f.getMethod() == null) {
                continue;
            }
            String cls = f.getMethod().getType().getName();
            if (!isMainCode(cls)) {
                if (n > 0) {
                    break;
                }
                continue;
            }
            String where = cls + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            if (cls.startsWith("io.flexsc.nio.ffi.") || cls.startsWith("io.flexsc.nio.engine.")) {
                if (lower == null) {
                    lower = where;
                }
            } else if (n++ < 3) {
                callers.append(n == 1 ? "" : " < ").append(where); // the channel, selector or file code that made the call
            }
        }
        if (n > 0) {
            return top + " under " + callers;
        }
        return lower == null ? null : top + " under " + lower;
    }

    /** {@code RecordedThread.isVirtual()} (JDK 21+; these tests compile for 17). */
    private static boolean isVirtual(RecordedThread t) {
        try {
            return (boolean) RecordedThread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** An event: where it pinned, and (with {@code detail}) in which thread and for how long. */
    private static String describe(RecordedEvent e, boolean detail) {
        StringBuilder sb = new StringBuilder();
        if (detail) {
            sb.append("  pinned ").append(e.getDuration().toNanos() / 1000).append(" us in '")
                    .append(e.getThread() == null ? "?" : e.getThread().getJavaName()).append("'");
        }
        if (e.getStackTrace() != null) {
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            int n = 0;
            for (RecordedFrame f : frames) {
                if (f.getMethod() == null) {
                    continue;
                }
                String cls = f.getMethod().getType().getName();
                sb.append("\n      at ").append(cls).append('.').append(f.getMethod().getName())
                        .append(':').append(f.getLineNumber()).append(isMainCode(cls) ? "   <- ours" : "");
                if (++n >= (detail ? 24 : 3)) {
                    sb.append("\n      ...");
                    break;
                }
            }
        }
        return sb.toString();
    }

    /** Parks in its initializer: a virtual thread initializing it pins its carrier (the control). */
    static final class PinControl {
        static {
            LockSupport.parkNanos(20_000_000L);
        }

        private PinControl() {}

        static void touch() {
            // initializes the class
        }
    }
}
