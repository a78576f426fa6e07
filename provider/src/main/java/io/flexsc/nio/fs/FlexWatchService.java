package io.flexsc.nio.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.Watchable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A watch service for our paths: the built-in one underneath, with keys whose watchables and event
 * contexts are our paths. Keys keep their identity: the key returned by {@code register} is the one
 * that {@code poll}/{@code take} hand out.
 *
 * <p>Thread safety: as the built-in watch service (any number of threads).
 */
final class FlexWatchService implements WatchService {
    private final FlexFileSystem fs;
    private final WatchService delegate;
    private final ConcurrentHashMap<WatchKey, Key> keys = new ConcurrentHashMap<>();

    FlexWatchService(FlexFileSystem fs, WatchService delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    WatchKey register(FlexPath path, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        WatchKey k = path.delegate().register(delegate, events, modifiers);
        return wrap(k);
    }

    private Key wrap(WatchKey k) {
        if (k == null) {
            return null;
        }
        Key key = keys.get(k);
        if (key == null) {
            Key fresh = new Key(k);
            key = keys.putIfAbsent(k, fresh);
            if (key == null) {
                key = fresh;
            }
        }
        return key;
    }

    @Override
    public void close() throws IOException {
        delegate.close();
        keys.clear();
    }

    @Override
    public WatchKey poll() {
        return wrap(delegate.poll());
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
        return wrap(delegate.poll(timeout, unit));
    }

    @Override
    public WatchKey take() throws InterruptedException {
        return wrap(delegate.take());
    }

    /** A key whose watchable and contexts are our paths. */
    private final class Key implements WatchKey {
        private final WatchKey k;

        Key(WatchKey k) {
            this.k = k;
        }

        @Override
        public boolean isValid() {
            return k.isValid();
        }

        @Override
        public List<WatchEvent<?>> pollEvents() {
            List<WatchEvent<?>> events = k.pollEvents();
            List<WatchEvent<?>> out = new ArrayList<>(events.size());
            for (WatchEvent<?> e : events) {
                out.add(e.context() instanceof Path ? new Event<>(e, fs.wrap((Path) e.context())) : e);
            }
            return out;
        }

        @Override
        public boolean reset() {
            return k.reset();
        }

        @Override
        public void cancel() {
            k.cancel();
            keys.remove(k);
        }

        @Override
        public Watchable watchable() {
            Watchable w = k.watchable();
            return w instanceof Path ? fs.wrap((Path) w) : w;
        }
    }

    /** An event with our path as context. */
    private static final class Event<T> implements WatchEvent<T> {
        private final WatchEvent<?> e;
        private final Object context;

        Event(WatchEvent<?> e, Object context) {
            this.e = e;
            this.context = context;
        }

        @SuppressWarnings("unchecked")
        @Override
        public Kind<T> kind() {
            return (Kind<T>) e.kind();
        }

        @Override
        public int count() {
            return e.count();
        }

        @SuppressWarnings("unchecked")
        @Override
        public T context() {
            return (T) context;
        }
    }
}
