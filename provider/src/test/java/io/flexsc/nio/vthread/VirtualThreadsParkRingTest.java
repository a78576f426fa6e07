package io.flexsc.nio.vthread;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link VirtualThreadsParkTest} with the virtual threads' readiness waits posted to the uring
 * engine's ring ({@code IORING_OP_POLL_ADD}) instead of the poller's epoll: every blocking
 * operation parks, and timeouts, close and interrupt end the waits as the JDK's do.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(RingModeExtension.class)
class VirtualThreadsParkRingTest extends VirtualThreadsParkTest {
}
