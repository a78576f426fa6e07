package io.flexsc.nio.examples.echo;

/**
 * SIGTERM as a request to shut down: the handler runs {@code action} and the program then exits
 * normally (status 0) after its own graceful shutdown, instead of the JVM's default exit status 143.
 * Where the JVM does not support signal handlers (sun.misc.Signal in module jdk.unsupported), the
 * default behaviour stays: shutdown hooks run and the status is 143.
 */
final class Signals {
    private Signals() {}

    static void onTerm(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> action.run());
        } catch (IllegalArgumentException | LinkageError e) {
            System.getLogger(Signals.class.getName()).log(System.Logger.Level.DEBUG, "no SIGTERM handler: " + e);
        }
    }
}
