/**
 * The engine API: what runs a system call, and the rules every engine shares. No class here names
 * an implementation; the engines ({@code engine.direct}, {@code engine.uring}, {@code engine.kmod})
 * depend on this package, never the reverse.
 *
 * <ul>
 *   <li>{@link io.flexsc.nio.engine.SyscallEngine}, {@link io.flexsc.nio.engine.Call}: the contract
 *       and one call ({@code NEW -> SUBMITTED -> DONE}; one submitter at a time; the result is
 *       published by the volatile store of DONE). {@link io.flexsc.nio.engine.Call#markSubmitted(
 *       io.flexsc.nio.engine.Call[], int, int)} is how every engine accepts a batch: whole or not
 *       at all.</li>
 *   <li>{@link io.flexsc.nio.engine.Engines}: discovery ({@link java.util.ServiceLoader} over
 *       {@link io.flexsc.nio.engine.EngineFactory} registrations, in {@code auto}'s order) and the
 *       process-wide engine. Its monitor {@code LOCK} guards starting that engine; the outcome is
 *       published in volatile fields, read without the lock.</li>
 *   <li>The shared rules: {@link io.flexsc.nio.engine.Blocking} (the one "may this call block?"
 *       rule: such a call never enters a shared ring or a syscall thread) and
 *       {@link io.flexsc.nio.engine.Waiting} (the one wait policy: spin, yield, then a bounded
 *       block; never interruptible, the interrupt status kept).</li>
 *   <li>{@link io.flexsc.nio.engine.SharedEngineView}: what {@code openSibling} returns where an
 *       engine is not multiplied, so that its result is always the caller's to close.</li>
 *   <li>Counters: {@link io.flexsc.nio.engine.EngineStats} (LongAdders, no lock),
 *       {@link io.flexsc.nio.engine.EngineStatsRegistry} and {@link io.flexsc.nio.engine.EngineJmx}
 *       (JMX registration and the exit report; the registry's class monitor guards the engines
 *       waiting for an MBean server and the thread that waits for one).</li>
 * </ul>
 */
package io.flexsc.nio.engine;
