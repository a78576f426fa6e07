package io.flexsc.nio.vthread;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link VirtualThreadEchoServerTest} (10,000 connections, every echo verified) with the server's
 * readiness waits posted to the uring engine's ring: 10,000 polls in the kernel at once, more than
 * the ring's completion queue holds.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(RingModeExtension.class)
class VirtualThreadEchoServerRingTest extends VirtualThreadEchoServerTest {
}
