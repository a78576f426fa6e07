package io.flexsc.bench.fs;

import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.fs.FlexFileChannel;
import io.flexsc.nio.fs.FlexFileSystemProvider;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which file channels a benchmark uses, as its {@code impl} parameter names them: {@code jdk} (the
 * JVM's built-in provider, {@code sun.nio.ch.FileChannelImpl}) or a flexsc engine spec, {@code name}
 * or {@code name:key=value[;key=value...]} ({@code direct}, {@code uring},
 * {@code uring:adaptive=false}...), where each {@code key=value} becomes the system property
 * {@code flexsc.<name>.<key>=<value>}.
 *
 * <p>For an engine, {@link #open} sets {@code -Dflexsc.engine=<name>} (and the spec's properties)
 * before the first channel starts the process-wide engine, and opens channels through a
 * {@link FlexFileSystemProvider} wrapping the built-in provider: the provider class and the
 * {@link FlexFileChannel} it hands out are exactly those of the drop-in installation
 * ({@code -Djava.nio.file.spi.DefaultFileSystemProvider}), which differs only in who constructs the
 * provider. The engine is the JVM's, so one JVM (one JMH fork) can measure only one engine; asking
 * for a second one fails with {@link IllegalStateException}, as does a provider that fell back to
 * the built-in channel (so a fallback can never pass for our figures).
 *
 * <p>Immutable; {@link #open} and {@link #copy} may be called from any thread.
 */
public final class FsImpl {
    /** The {@code impl} value of the JDK's own channels. */
    public static final String JDK = "jdk";

    private static volatile FlexFileSystemProvider flexProvider;

    private final String spec;
    private final String engine; // null for the JDK
    private final Map<String, String> properties;

    private FsImpl(String spec, String engine, Map<String, String> properties) {
        this.spec = spec;
        this.engine = engine;
        this.properties = Map.copyOf(properties);
    }

    /**
     * Parses an {@code impl} parameter value.
     *
     * @throws IllegalArgumentException if it is empty or a setting is not {@code key=value}
     */
    public static FsImpl parse(String spec) {
        String s = spec.trim();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty impl name in '" + spec + "'");
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (colon >= 0) {
            if (JDK.equals(name)) {
                throw new IllegalArgumentException("'jdk' takes no settings: '" + spec + "'");
            }
            for (String setting : s.substring(colon + 1).split(";")) {
                int eq = setting.indexOf('=');
                if (eq <= 0 || eq == setting.length() - 1) {
                    throw new IllegalArgumentException("impl setting '" + setting + "' in '" + spec
                            + "' is not key=value");
                }
                props.put("flexsc." + name + "." + setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        return new FsImpl(s, JDK.equals(name) ? null : name, props);
    }

    /** True for the JDK's own channels. */
    public boolean isJdk() {
        return engine == null;
    }

    /** The flexsc engine's name, or {@code null} for the JDK. */
    public String engine() {
        return engine;
    }

    /** The system properties an engine spec sets (empty for the JDK). */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public String toString() {
        return spec;
    }

    /** The provider whose channels are measured; starts nothing. */
    FileSystemProvider provider() {
        if (isJdk()) {
            return FileSystems.getDefault().provider();
        }
        FlexFileSystemProvider p = flexProvider;
        if (p == null) {
            synchronized (FsImpl.class) {
                p = flexProvider;
                if (p == null) {
                    FileSystemProvider builtin = FileSystems.getDefault().provider();
                    if (builtin instanceof FlexFileSystemProvider) {
                        builtin = ((FlexFileSystemProvider) builtin).builtin();
                    }
                    p = new FlexFileSystemProvider(builtin);
                    flexProvider = p;
                }
            }
        }
        return p;
    }

    /** {@code file} (a built-in path) as a path of {@link #provider()}. */
    Path path(Path file) {
        return provider().getPath(file.toAbsolutePath().toUri());
    }

    /**
     * Opens {@code file} with this implementation's channel.
     *
     * @throws IllegalStateException if the JVM's engine is another one, or our provider fell back to
     *     the built-in channel
     */
    public FileChannel open(Path file, StandardOpenOption... options) throws IOException {
        prepareEngine();
        FileChannel ch = provider().newFileChannel(path(file), Set.of(options));
        if (!isJdk()) {
            if (!(ch instanceof FlexFileChannel)) {
                ch.close();
                throw new IllegalStateException("flexsc provider handed out " + ch.getClass().getName()
                        + " instead of its own channel (the engine '" + engine + "' did not start; see the log)");
            }
            checkEngine();
        }
        return ch;
    }

    /** {@code Files.copy(source, target, options)} through this implementation's provider. */
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        prepareEngine();
        java.nio.file.Files.copy(path(source), path(target), options);
        if (!isJdk()) {
            checkEngine();
        }
    }

    private void prepareEngine() {
        if (isJdk()) {
            return;
        }
        String current = System.getProperty(Engines.PROPERTY);
        if (current != null && !current.equals(engine)) {
            throw new IllegalStateException("this JVM's flexsc engine is '" + current + "'; cannot measure '"
                    + engine + "' in it (one engine per fork)");
        }
        properties.forEach(System::setProperty);
        System.setProperty(Engines.PROPERTY, engine);
    }

    private void checkEngine() {
        String running = Engines.shared().name();
        if (!running.equals(engine)) {
            throw new IllegalStateException("the JVM's flexsc engine is '" + running + "', not '" + engine + "'");
        }
    }
}
