package io.flexsc.nio.ffi;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.HeapInvocationBuffer;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import java.util.Arrays;

/**
 * One function of the C library, called through jffi (the native layer JNR-FFI is built on) by
 * address, with no generated code.
 *
 * <p>Every parameter and the result are declared as 64-bit integers. On x86_64 jffi then calls the
 * function directly, casting its address to {@code long (*)(long, ...)}: the call the C compiler
 * makes, since an {@code int} argument travels in the low half of a 64-bit register and an
 * {@code int} result comes back in the low half of {@code rax} (callers narrow it with a cast).
 * Every call saves {@code errno}, read back with {@link #lastErrno()} on the same thread.
 *
 * <p>Why not JNR-FFI's {@code LibraryLoader}: it generates a class and machine-code stubs per
 * bound interface with its own assembler, which at each start cost about 140 ms, 2.5 MB of
 * metaspace, 5 MB of heap garbage and, while the JIT compiles that assembler, a transient 28 MB
 * (measured: {@code bench/results/jffi-20261128/}). Both end in the same jffi entry points.
 *
 * <p>Up to six parameters take jffi's fast path ({@code Invoker.invokeN0..6}), which allocates
 * nothing. Seven ({@code syscall} with six arguments) go through a heap invocation buffer: one
 * small allocation per call, as JNR-FFI did for them.
 *
 * <p>A symbol the C library lacks binds to address 0 and throws {@link UnsatisfiedLinkError} when
 * called, so one missing function (say {@code statx} on an old libc) does not stop the others.
 * Thread safety: immutable; may be called from any thread.
 */
final class CFunction {
    private static final Invoker INVOKER = Invoker.getInstance();

    /** Call contexts by parameter count: all {@code long}, result {@code long}, errno saved. */
    private static final CallContext[] CONTEXTS = new CallContext[8];

    static {
        for (int n = 0; n < CONTEXTS.length; n++) {
            Type[] params = new Type[n];
            Arrays.fill(params, Type.SINT64);
            CONTEXTS[n] = CallContext.getCallContext(Type.SINT64, params, CallingConvention.DEFAULT, true);
        }
    }

    /** The C library's soname on glibc: {@code dlopen} finds the copy already in the process. */
    static final String GLIBC_SONAME = "libc.so.6";

    private static final class Libc {
        static final Library LIBRARY = open();

        /**
         * The C library by its glibc soname; failing that, the process's global scope, where any
         * C library the JVM runs on (musl included) already is.
         */
        private static Library open() {
            Library lib = Library.openLibrary(GLIBC_SONAME, Library.LAZY | Library.LOCAL);
            if (lib == null) {
                lib = Library.getDefault();
            }
            if (lib == null) {
                throw new UnsatisfiedLinkError("cannot open the C library: " + Library.getLastError());
            }
            return lib;
        }
    }

    private final String name;
    private final long address;
    private final CallContext context;

    private CFunction(String name, long address, CallContext context) {
        this.name = name;
        this.address = address;
        this.context = context;
    }

    /**
     * The C library's function {@code name} taking {@code params} integer or pointer parameters
     * (0 to 7).
     *
     * @throws UnsatisfiedLinkError if the C library or jffi's native part cannot be loaded
     */
    static CFunction bind(String name, int params) {
        if (params < 0 || params >= CONTEXTS.length) {
            throw new IllegalArgumentException("parameters: " + params);
        }
        return new CFunction(name, Libc.LIBRARY.getSymbolAddress(name), CONTEXTS[params]);
    }

    /** The errno the last call of a {@code CFunction} saved on this thread. */
    static int lastErrno() {
        return LastError.getInstance().get();
    }

    /**
     * A C library result in the engines' raw convention: {@code r}, or {@code -errno} (saved by the
     * call on this thread) when {@code r} is -1.
     */
    static long orErrno(long r) {
        return r == -1 ? -(long) lastErrno() : r;
    }

    private long address(int params) {
        if (address == 0) {
            throw new UnsatisfiedLinkError("the C library has no function " + name);
        }
        if (context.getParameterCount() != params) {
            throw new IllegalStateException(name + " takes " + context.getParameterCount()
                    + " parameters, called with " + params);
        }
        return address;
    }

    long call0() {
        return INVOKER.invokeN0(context, address(0));
    }

    long call1(long a) {
        return INVOKER.invokeN1(context, address(1), a);
    }

    long call2(long a, long b) {
        return INVOKER.invokeN2(context, address(2), a, b);
    }

    long call3(long a, long b, long c) {
        return INVOKER.invokeN3(context, address(3), a, b, c);
    }

    long call4(long a, long b, long c, long d) {
        return INVOKER.invokeN4(context, address(4), a, b, c, d);
    }

    long call5(long a, long b, long c, long d, long e) {
        return INVOKER.invokeN5(context, address(5), a, b, c, d, e);
    }

    long call6(long a, long b, long c, long d, long e, long f) {
        return INVOKER.invokeN6(context, address(6), a, b, c, d, e, f);
    }

    long call7(long a, long b, long c, long d, long e, long f, long g) {
        long fn = address(7);
        HeapInvocationBuffer args = new HeapInvocationBuffer(context);
        args.putLong(a);
        args.putLong(b);
        args.putLong(c);
        args.putLong(d);
        args.putLong(e);
        args.putLong(f);
        args.putLong(g);
        return INVOKER.invokeLong(context, fn, args);
    }

    @Override
    public String toString() {
        return name + "/" + context.getParameterCount();
    }
}
