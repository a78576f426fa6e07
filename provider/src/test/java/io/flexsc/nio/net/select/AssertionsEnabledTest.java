package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The provider asserts its lock discipline ({@code assert lock.isHeldByCurrentThread()},
 * {@code Thread.holdsLock}); those checks only run with {@code -ea}, which surefire gives the test
 * JVMs by default ({@code enableAssertions}). This fails if a configuration ever turns it off.
 */
class AssertionsEnabledTest {
    @Test
    void theSuiteRunsWithAssertionsEnabled() {
        boolean enabled = false;
        assert enabled = true; // (an assignment on purpose: true only when assertions run)
        assertTrue(enabled, "the tests run without -ea: the provider's lock-discipline assertions are off");
        assertTrue(FlexSelector.class.desiredAssertionStatus(), "assertions are off for the provider's classes");
    }
}
