package io.flexsc.nio.ffi;

import jnr.ffi.LibraryLoader;

/**
 * Binds an interface to the C library.
 *
 * <p>The library is asked for by its glibc soname first: {@code dlopen("libc.so.6")} finds the
 * copy already in the process at once. Asked for as {@code "c"}, jnr-ffi first fails to open that
 * literal name and then lists every file of every library directory (over 2,000 on Debian),
 * matching each name with a regular expression: about 1 MB of garbage on every start, which stays
 * resident as touched heap. The short name remains the fallback for C libraries with another
 * soname (musl).
 */
final class CLibrary {
    private CLibrary() {}

    static final String GLIBC_SONAME = "libc.so.6";

    static <T> T load(Class<T> binding) {
        try {
            return LibraryLoader.create(binding).failImmediately().load(GLIBC_SONAME);
        } catch (LinkageError notGlibc) {
            return LibraryLoader.create(binding).load("c");
        }
    }
}
