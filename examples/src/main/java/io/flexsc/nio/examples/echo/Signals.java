package io.flexsc.nio.examples.echo;

import java.lang.reflect.Proxy;

/**
 * SIGTERM as a request to shut down: the handler runs {@code action} and the program then exits
 * normally (status 0) after its own graceful shutdown, instead of the JVM's default exit status 143.
 * It uses {@code sun.misc.Signal} (module jdk.unsupported), looked up reflectively so that the build
 * has no proprietary-API warning; where it is missing, the default behaviour stays: shutdown hooks
 * run and the status is 143.
 */
final class Signals {
    private Signals() {}

    static void onTerm(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
                    (p, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        switch (method.getName()) {
                            case "hashCode":
                                return System.identityHashCode(p);
                            case "equals":
                                return p == args[0];
                            default:
                                return "SIGTERM handler";
                        }
                    });
            Object term = signal.getConstructor(String.class).newInstance("TERM");
            signal.getMethod("handle", signal, handler).invoke(null, term, proxy);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            System.getLogger(Signals.class.getName()).log(System.Logger.Level.DEBUG, "no SIGTERM handler: " + e);
        }
    }
}
