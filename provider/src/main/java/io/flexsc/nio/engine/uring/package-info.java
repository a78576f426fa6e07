/**
 * The {@code uring} engine: system calls carried by an io_uring instance, batched across threads,
 * with no engine threads of its own; and its port for posted calls, whose one thread reaps a ring of
 * its own.
 *
 * <ul>
 *   <li>{@link io.flexsc.nio.engine.uring.Ring}: the mapped SQ and CQ (acquire/release on their
 *       indices); {@link io.flexsc.nio.engine.uring.Uring}: the kernel ABI's constants;
 *       {@link io.flexsc.nio.engine.uring.OpcodeMap}: which call becomes which SQE, and whether it
 *       is first sent with its "don't wait" flag; {@link io.flexsc.nio.engine.uring.InlineWrites}:
 *       what the engine learns of descriptors' writes (a hint, read and written without
 *       synchronisation).</li>
 *   <li>{@link io.flexsc.nio.engine.uring.UringEngine}: no monitor on the I/O path; three roles,
 *       each an atomic that one thread holds at a time: the <em>submitter</em> role
 *       ({@code submitRole}) guards the SQ side of the ring, the slot cursor and the
 *       {@code leftover} flag; the <em>completion lock</em> ({@code cqLock}) guards the CQ side, the
 *       completion of slots and the scratch {@code stat} buffer; the <em>reaper</em> role is the
 *       one thread that waits in the kernel for completions. The in-flight table is an atomic
 *       array. {@code closeLock} (a monitor) serialises {@code close()}, which takes the three
 *       roles for good.</li>
 *   <li>{@link io.flexsc.nio.engine.uring.UringPort}: the engine's {@link io.flexsc.nio.engine.CallPort},
 *       made on first use: a second ring, completions dispatched by a 64-bit id in
 *       {@code user_data} (a concurrent map from id to call), reaped by the platform daemon thread
 *       {@code flexsc-uring-port}; a CAS submit role over a lock-free queue, and a CAS completion
 *       lock that posters also take to reap what their own submission completed. At light load
 *       the port thread submits receives and readiness waits itself (a second queue, only it
 *       drains), woken by an eventfd a poster writes when it waits in the kernel.</li>
 *   <li>{@link io.flexsc.nio.engine.uring.UringEngineFactory}, {@link io.flexsc.nio.engine.uring.UringConfig}:
 *       probing and settings ({@code -Dflexsc.uring.*}); immutable.</li>
 * </ul>
 */
package io.flexsc.nio.engine.uring;
