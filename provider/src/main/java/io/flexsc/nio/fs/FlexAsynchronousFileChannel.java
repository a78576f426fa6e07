package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link AsynchronousFileChannel} whose transfers go through the syscall engine.
 *
 * <p>Each operation is checked at once (the JDK's exceptions: {@code Negative position},
 * {@link NonReadableChannelException}, read-only buffers...) and then runs on the channel's executor
 * as a positional transfer of a {@link FlexFileChannel} (an uninterruptible one, so that a pool
 * thread's interrupt does not close it). Concurrent operations from many pool threads reach the
 * engine together and are batched by it. The result completes the returned {@link Future} or is
 * handed to the {@link CompletionHandler} on an executor thread. An operation on a closed channel
 * fails with {@link ClosedChannelException}; one cut short by {@link #close()} with
 * {@link AsynchronousCloseException}.
 *
 * <p>The executor is the one given to {@code open}, or a shared pool of daemon threads. Thread
 * safety: all methods may be called from any number of threads.
 */
public final class FlexAsynchronousFileChannel extends AsynchronousFileChannel {
    private final FlexFileChannel ch;
    private final ExecutorService executor;

    private FlexAsynchronousFileChannel(FlexFileChannel ch, ExecutorService executor) {
        this.ch = ch;
        this.executor = executor;
    }

    /** Wraps an open channel; {@code executor} null means the shared default pool. */
    static FlexAsynchronousFileChannel open(FlexFileChannel ch, ExecutorService executor) {
        ch.setUninterruptible();
        return new FlexAsynchronousFileChannel(ch, executor != null ? executor : DefaultPool.POOL);
    }

    /** The shared pool of daemon threads used when no executor is given. */
    private static final class DefaultPool {
        static final ExecutorService POOL = create();

        private static ExecutorService create() {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "flexsc-aio-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            int max = Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
            ThreadPoolExecutor pool = new ThreadPoolExecutor(max, max, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), tf);
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }

    /** One piece of work that produces a result or throws. */
    private interface Op<V> {
        V run() throws IOException;
    }

    private <V, A> Future<V> submit(Op<V> op, A attachment, CompletionHandler<V, ? super A> handler) {
        CompletableFuture<V> f = handler == null ? new CompletableFuture<>() : null;
        Runnable task = () -> {
            V v = null;
            Throwable exc = null;
            try {
                if (!ch.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                v = op.run();
            } catch (ClosedChannelException e) {
                exc = e instanceof AsynchronousCloseException ? e : new AsynchronousCloseException();
            } catch (IOException | RuntimeException | Error e) {
                exc = e;
            }
            if (handler == null) {
                if (exc == null) {
                    f.complete(v);
                } else {
                    f.completeExceptionally(exc);
                }
            } else if (exc == null) {
                handler.completed(v, attachment);
            } else {
                handler.failed(exc, attachment);
            }
        };
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new java.nio.channels.ShutdownChannelGroupException();
        }
        return f;
    }

    /** Completes at once with a failure (the channel is closed). */
    private <V, A> Future<V> failNow(Throwable exc, A attachment, CompletionHandler<V, ? super A> handler) {
        if (handler == null) {
            CompletableFuture<V> f = new CompletableFuture<>();
            f.completeExceptionally(exc);
            return f;
        }
        executor.execute(() -> handler.failed(exc, attachment));
        return null;
    }

    private <V, A> Future<V> completeNow(V v, A attachment, CompletionHandler<V, ? super A> handler) {
        if (handler == null) {
            return CompletableFuture.completedFuture(v);
        }
        executor.execute(() -> handler.completed(v, attachment));
        return null;
    }

    @Override
    public long size() throws IOException {
        return ch.size();
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!ch.isWritable()) {
            throw new NonWritableChannelException();
        }
        ch.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ch.force(metaData);
    }

    private <A> Future<FileLock> implLock(long position, long size, boolean shared, A attachment,
                                          CompletionHandler<FileLock, ? super A> handler) {
        if (shared && !ch.isReadable()) {
            throw new NonReadableChannelException();
        }
        if (!shared && !ch.isWritable()) {
            throw new NonWritableChannelException();
        }
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (position + size < 0) {
            throw new IllegalArgumentException("Negative position + size");
        }
        if (!ch.isOpen()) {
            return failNow(new ClosedChannelException(), attachment, handler);
        }
        return submit(() -> ch.lock(this, position, size, shared), attachment, handler);
    }

    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment,
                         CompletionHandler<FileLock, ? super A> handler) {
        if (handler == null) {
            throw new NullPointerException("'handler' is null");
        }
        implLock(position, size, shared, attachment, handler);
    }

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
        return implLock(position, size, shared, null, null);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return ch.tryLock(this, position, size, shared);
    }

    private <A> Future<Integer> implRead(ByteBuffer dst, long position, A attachment,
                                         CompletionHandler<Integer, ? super A> handler) {
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!ch.isReadable()) {
            throw new NonReadableChannelException();
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        if (!ch.isOpen() || dst.remaining() == 0) {
            if (!ch.isOpen()) {
                return failNow(new ClosedChannelException(), attachment, handler);
            }
            return completeNow(0, attachment, handler);
        }
        return submit(() -> ch.read(dst, position), attachment, handler);
    }

    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (handler == null) {
            throw new NullPointerException("'handler' is null");
        }
        implRead(dst, position, attachment, handler);
    }

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        return implRead(dst, position, null, null);
    }

    private <A> Future<Integer> implWrite(ByteBuffer src, long position, A attachment,
                                          CompletionHandler<Integer, ? super A> handler) {
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!ch.isWritable()) {
            throw new NonWritableChannelException();
        }
        if (!ch.isOpen() || src.remaining() == 0) {
            if (!ch.isOpen()) {
                return failNow(new ClosedChannelException(), attachment, handler);
            }
            return completeNow(0, attachment, handler);
        }
        return submit(() -> ch.write(src, position), attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (handler == null) {
            throw new NullPointerException("'handler' is null");
        }
        implWrite(src, position, attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        return implWrite(src, position, null, null);
    }

    @Override
    public boolean isOpen() {
        return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    @Override
    public String toString() {
        return "FlexAsynchronousFileChannel[" + ch.path() + (isOpen() ? "" : ", closed") + "]";
    }
}
