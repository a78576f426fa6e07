package io.flexsc.nio.engine;

import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Tells whether the calling thread is inside a JDK class initialiser.
 *
 * <p>With the providers installed, the JDK's own start-up code reaches them: {@code Security.<clinit>}
 * reads {@code java.security} through {@code Files.newInputStream}, for one. Starting the engine
 * there runs code (loading native libraries, logging, probing) that may need that very class, half
 * initialised on this thread or locked by it for others. Such calls are served on the JDK's own
 * channels and the engine starts on a later call.
 *
 * <p>Only asked before the engine has started: the stack walk costs a few microseconds, once.
 */
final class JdkInit {
    private JdkInit() {}

    /** {@code Class.<clinit>} of the innermost JDK class initialiser on this thread's stack, or null. */
    static String initializerOnStack() {
        try {
            return StackWalker.getInstance().walk(FIND);
        } catch (RuntimeException | LinkageError e) {
            return null; // cannot tell: behave as before (start)
        }
    }

    // An anonymous class, not a lambda: this may run while java.lang.invoke itself is not usable yet.
    private static final Function<Stream<StackWalker.StackFrame>, String> FIND =
            new Function<Stream<StackWalker.StackFrame>, String>() {
                @Override
                public String apply(Stream<StackWalker.StackFrame> frames) {
                    java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
                    while (it.hasNext()) {
                        StackWalker.StackFrame f = it.next();
                        if ("<clinit>".equals(f.getMethodName()) && isJdk(f.getClassName())) {
                            return f.getClassName() + ".<clinit>";
                        }
                    }
                    return null;
                }
            };

    static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.");
    }
}
