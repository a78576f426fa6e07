package io.flexsc.nio.engine;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Names the random seeds a failed test used ({@link Seeds#seed()}), so any randomised test can be
 * replayed with {@code -Dflexsc.test.seed=<seed>}. Tests of the suite run one at a time (JUnit's
 * default), which the shared list of used seeds relies on.
 */
public final class SeedReporter implements BeforeEachCallback, TestExecutionExceptionHandler {
    @Override
    public void beforeEach(ExtensionContext context) {
        Seeds.USED.clear();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (!Seeds.USED.isEmpty()) {
            String msg = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                    + " " + context.getDisplayName() + " used random seeds " + Seeds.USED
                    + " (replay one with -D" + Seeds.PROPERTY + "=<seed>)";
            System.err.println("*** flexsc engine suite: " + msg);
            failure.addSuppressed(new AssertionError(msg));
        }
        throw failure;
    }
}
