/**
 * The flexsc default file-system provider: NIO file I/O of an unmodified application through the
 * syscall engine.
 *
 * <p>Install with {@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider}
 * and the drop-in jar on the class path. {@link io.flexsc.nio.fs.FlexFileSystemProvider} wraps the
 * built-in provider; {@link io.flexsc.nio.fs.FlexPath} and {@link io.flexsc.nio.fs.FlexFileSystem}
 * wrap its paths and file system; {@link io.flexsc.nio.fs.FlexFileChannel} and
 * {@link io.flexsc.nio.fs.FlexAsynchronousFileChannel} carry the data through the engine, and
 * {@code Files.copy} of regular files uses {@code copy_file_range} through it. Everything else is the
 * built-in provider's, on unwrapped paths.
 *
 * <p>Start-up: nothing here starts the engine, loads native code or touches a file before the
 * first channel is opened; if the engine cannot start then, the built-in channels are used and one
 * warning is logged through {@code System.Logger} "io.flexsc.nio.fs".
 *
 * <p>Known limits: Unix-domain socket addresses are refused by JDK 17 and 25 under any non-built-in
 * default provider
 * (see {@link io.flexsc.nio.fs.FlexFileSystemProvider}); {@code O_DIRECT} channels, copies with
 * {@code COPY_ATTRIBUTES}, and channels opened through a {@code SecureDirectoryStream} are the
 * built-in provider's; {@code transferTo}/{@code transferFrom} with a channel that is not one of ours
 * copy through a buffer rather than {@code sendfile}/{@code splice}.
 */
package io.flexsc.nio.fs;
