package io.flexsc.nio.fs;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Tells whether a channel is being opened for {@code java.nio.file.Files.readAllBytes}, by looking
 * at the few frames above the provider. Used only for option-less {@code newByteChannel} calls.
 * Stateless and thread safe.
 */
final class CallerCheck implements Function<Stream<StackWalker.StackFrame>, Boolean> {
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final CallerCheck INSTANCE = new CallerCheck();
    private static final int DEPTH = 6;

    private CallerCheck() {}

    static boolean isReadAllBytes() {
        return WALKER.walk(INSTANCE);
    }

    @Override
    public Boolean apply(Stream<StackWalker.StackFrame> frames) {
        Iterator<StackWalker.StackFrame> it = frames.iterator();
        for (int i = 0; i < DEPTH && it.hasNext(); i++) {
            StackWalker.StackFrame f = it.next();
            if (f.getClassName().equals("java.nio.file.Files")) {
                if (f.getMethodName().equals("readAllBytes")) {
                    return Boolean.TRUE;
                }
                if (!f.getMethodName().equals("newByteChannel")) {
                    return Boolean.FALSE;
                }
            }
        }
        return Boolean.FALSE;
    }
}
