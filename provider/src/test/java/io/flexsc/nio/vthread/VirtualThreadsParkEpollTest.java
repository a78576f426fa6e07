package io.flexsc.nio.vthread;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link VirtualThreadsParkTest} with the virtual threads' readiness waits on the poller's epoll
 * ({@code -Dflexsc.vthread.ring=files}), the path of engines without a ring (direct, kmod): every
 * blocking operation parks, and timeouts, close and interrupt end the waits as the JDK's do.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(EpollModeExtension.class)
class VirtualThreadsParkEpollTest extends VirtualThreadsParkTest {
}
