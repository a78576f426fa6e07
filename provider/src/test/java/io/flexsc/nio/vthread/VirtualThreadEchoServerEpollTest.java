package io.flexsc.nio.vthread;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link VirtualThreadEchoServerTest} (10,000 connections, every echo verified) with the server's
 * readiness waits on the poller's epoll ({@code -Dflexsc.vthread.ring=files}), the path of engines
 * without a ring (direct, kmod).
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+ (runs in the JDK 25 pass)")
@ExtendWith(EpollModeExtension.class)
class VirtualThreadEchoServerEpollTest extends VirtualThreadEchoServerTest {
}
