package io.flexsc.nio.net.batch;

import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import io.flexsc.nio.net.sys.NetIO;
import io.flexsc.nio.net.sys.NetSys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends, in the background, bytes that a socket channel's {@code write} accepted into its queue
 * ({@link Batched}) when no one is left to wait for the kernel to take them: the JDK's
 * {@code close()}, {@code shutdownOutput()} and {@code configureBlocking(true)} return at once,
 * because the bytes its {@code write} accepted are already in the kernel, which goes on sending
 * them (and then the FIN) after those calls return. Ours may still be in user space, so those calls
 * hand to the kernel what it takes without waiting, and give the rest to this daemon thread, which
 * sends it as the kernel makes room, as the kernel does with its own send buffer:
 *
 * <ul>
 * <li>{@link #watch}: an open channel whose queue no selector sends any more (deregistered,
 *     switched to blocking mode, or with its output shut down): its queue is sent under its write
 *     lock, as any writer's would be, so later writes keep their order; then a pending
 *     {@code shutdownOutput} sends the FIN. Dropped once the queue is empty or the channel closes
 *     (its close takes over what is left).</li>
 * <li>{@link #adopt}: a channel that closed with bytes the kernel had no room for: the bytes, and a
 *     duplicate of the socket's descriptor that keeps the connection open, are the drainer's. It
 *     sends them and closes the duplicate, which ends the connection after the last byte, as
 *     close(2) would have. It gives up, and closes, when the connection fails or after
 *     {@link #ADOPTED_LIMIT_NANOS} (as the kernel kills an orphaned socket whose peer does not read).</li>
 * </ul>
 *
 * <p>Never blocks what it does not own: it only tries the channels' write locks, sends with
 * {@code MSG_DONTWAIT}, and waits in poll(2) on the descriptors and on a wake eventfd of its own,
 * at most {@link #RECHECK_MILLIS} at a time (an open channel's queue may also be sent by its
 * selector or a writer meanwhile). On a normal exit the exit hook ({@link Flusher#flushAtExit})
 * waits, within its bound, for this thread to be done ({@link #awaitDone}); a process killed, or
 * exiting after that bound, before the kernel has taken adopted bytes loses them.
 *
 * <p>Thread safety: {@link #watch} and {@link #adopt} may be called from any thread.
 */
public final class Drainer {
    private Drainer() {}

    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.net");

    /** How long adopted bytes are offered to a peer that does not read, before the connection is closed without them. */
    static final long ADOPTED_LIMIT_NANOS = 120_000_000_000L;
    /** The longest wait between two looks at the open channels watched. */
    static final int RECHECK_MILLIS = 50;

    /** One channel's bytes to send: its queue ({@code b}), or adopted bytes on a duplicate descriptor. */
    private static final class Entry {
        final Batched b;          // watched open channel, or null
        final int dupFd;          // adopted: our duplicate of the socket; else -1
        final ByteBuffer bytes;   // adopted: the bytes left to send, [position, limit)
        final long deadline;
        /** Not polled in the next round: its write lock was busy (so that a writable socket does not spin us). */
        boolean skipPoll;

        Entry(Batched b) {
            this.b = b;
            this.dupFd = -1;
            this.bytes = null;
            this.deadline = 0;
        }

        Entry(int dupFd, ByteBuffer bytes) {
            this.b = null;
            this.dupFd = dupFd;
            this.bytes = bytes;
            this.deadline = System.nanoTime() + ADOPTED_LIMIT_NANOS;
        }

        int fd() {
            return b != null ? b.channel().fdState().fd : dupFd;
        }
    }

    private static final Object LOCK = new Object();
    /** New and current entries; guarded by LOCK. */
    private static final List<Entry> ENTRIES = new ArrayList<>();
    /** The drainer's wake eventfd, or -1 before it starts; guarded by LOCK. */
    private static int wakeFd = -1;

    /**
     * An open channel's queue is no longer sent by a selector: send it in the background (see the
     * class comment). Cheap if it is watched already.
     */
    public static void watch(Batched b) {
        synchronized (LOCK) {
            for (Entry e : ENTRIES) {
                if (e.b == b) {
                    return;
                }
            }
            add(new Entry(b));
        }
    }

    /**
     * A closing channel's last bytes: {@code dupFd} is a duplicate of its socket's descriptor, now
     * the drainer's to close; {@code bytes} (direct, [position, limit)) the bytes the kernel did not
     * take. False if the drainer cannot start (the caller then closes {@code dupFd}).
     */
    static boolean adopt(int dupFd, ByteBuffer bytes) {
        synchronized (LOCK) {
            return add(new Entry(dupFd, bytes));
        }
    }

    /**
     * At exit: waits until this thread is done with every entry (adopted bytes sent, watched queues
     * empty, or given up) or {@code deadline} ({@link System#nanoTime}) passes; whether it is done.
     * The thread goes on sending meanwhile (a daemon thread runs until the JVM halts).
     */
    static boolean awaitDone(long deadline) {
        synchronized (LOCK) {
            while (!ENTRIES.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    LOCK.wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Adopted bytes not yet sent (for tests). */
    static long adoptedBytes() {
        synchronized (LOCK) {
            long n = 0;
            for (Entry e : ENTRIES) {
                if (e.bytes != null) {
                    n += e.bytes.remaining();
                }
            }
            return n;
        }
    }

    private static boolean add(Entry e) {
        assert Thread.holdsLock(LOCK);
        if (wakeFd < 0) {
            try {
                wakeFd = NetIO.eventfd();
            } catch (java.io.IOException ex) {
                LOG.log(System.Logger.Level.WARNING, "flexsc: cannot start the drainer of closed channels' queued bytes: {0}",
                        ex.getMessage());
                return false;
            }
            Thread t = new Thread(Drainer::run, "flexsc-net-drainer");
            t.setDaemon(true);
            t.start();
        }
        ENTRIES.add(e);
        NetIO.signal(wakeFd);
        return true;
    }

    private static void run() {
        ByteBuffer pollfds = ByteBuffer.allocateDirect(8 * 64).order(ByteOrder.nativeOrder());
        List<Entry> round = new ArrayList<>();
        int wfd;
        synchronized (LOCK) {
            wfd = wakeFd;
        }
        for (;;) {
            round.clear();
            synchronized (LOCK) {
                round.addAll(ENTRIES);
            }
            int n = round.size() + 1;
            if (pollfds.capacity() < 8 * n) {
                pollfds = ByteBuffer.allocateDirect(16 * n).order(ByteOrder.nativeOrder());
            }
            pollfds.putInt(0, wfd);
            pollfds.putShort(4, Linux.POLLIN);
            pollfds.putShort(6, (short) 0);
            int timeout = round.isEmpty() ? -1 : RECHECK_MILLIS;
            for (int i = 0; i < round.size(); i++) {
                Entry e = round.get(i);
                pollfds.putInt(8 * (i + 1), e.skipPoll ? -1 : e.fd());
                pollfds.putShort(8 * (i + 1) + 4, Linux.POLLOUT);
                pollfds.putShort(8 * (i + 1) + 6, (short) 0);
                e.skipPoll = false;
            }
            long r = NetSys.call(SysNr.POLL, NativeMemory.address(pollfds), n, timeout);
            if (r < 0 && r != -Errno.EINTR) {
                stop(wfd, r); // poll itself fails (the engine closed): nothing can be sent any more
                return;
            }
            if (pollfds.getShort(6) != 0) {
                NetIO.drain(wfd);
            }
            for (Entry e : round) {
                if (serve(e)) {
                    synchronized (LOCK) {
                        ENTRIES.remove(e);
                        if (ENTRIES.isEmpty()) {
                            LOCK.notifyAll(); // awaitDone
                        }
                    }
                }
            }
        }
    }

    /**
     * The drainer cannot wait any more (poll failed with {@code r}): drops every entry (closing the
     * adopted descriptors) and ends; a later hand-over starts a new drainer.
     */
    private static void stop(int wfd, long r) {
        List<Entry> dropped;
        synchronized (LOCK) {
            dropped = new ArrayList<>(ENTRIES);
            ENTRIES.clear();
            wakeFd = -1;
            LOCK.notifyAll(); // awaitDone
        }
        NetSys.close(wfd);
        for (Entry e : dropped) {
            if (e.dupFd >= 0) {
                NetSys.close(e.dupFd);
            }
        }
        LOG.log(System.Logger.Level.WARNING, "flexsc: the drainer of queued bytes stops: poll failed ({0}); {1} channels'' bytes dropped",
                NetSys.message((int) -r), dropped.size());
    }

    /** One attempt at an entry's bytes; true when it is done with (sent, failed, or taken over). */
    private static boolean serve(Entry e) {
        if (e.b != null) {
            return serveOpen(e);
        }
        while (e.bytes.hasRemaining()) {
            long r = NetSys.call(SysNr.SENDTO, e.dupFd, NativeMemory.address(e.bytes) + e.bytes.position(),
                    e.bytes.remaining(), Linux.MSG_DONTWAIT | Linux.MSG_NOSIGNAL, 0, 0);
            if (r == -Errno.EINTR) {
                continue;
            }
            if (r == -Errno.EAGAIN) {
                if (System.nanoTime() - e.deadline < 0) {
                    return false;
                }
                LOG.log(System.Logger.Level.DEBUG, "flexsc: {0} bytes queued before close() not taken by the peer in {1} s: dropped",
                        e.bytes.remaining(), ADOPTED_LIMIT_NANOS / 1_000_000_000L);
                break;
            }
            if (r < 0) {
                break; // the connection failed: no one left to deliver to
            }
            e.bytes.position(e.bytes.position() + (int) r);
        }
        NetSys.close(e.dupFd); // the last descriptor of the socket: the FIN follows the last byte
        return true;
    }

    private static boolean serveOpen(Entry e) {
        Batched b = e.b;
        FlexSocketChannel ch = b.channel();
        if (!ch.isOpen()) {
            return true; // its close sent, or adopted, what was left
        }
        if (!ch.fdState().writeLock.tryLock()) {
            e.skipPoll = true;
            return false;
        }
        try {
            if (!ch.isOpen()) {
                return true;
            }
            b.sendQueuedNow(); // an error is kept for the channel's next operation
            if (b.hasQueued()) {
                return false;
            }
            ch.outputDrained();
            return true;
        } finally {
            ch.fdState().writeLock.unlock();
        }
    }
}
