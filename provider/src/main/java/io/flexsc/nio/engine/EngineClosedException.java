package io.flexsc.nio.engine;

/** Thrown for a call submitted to, or not yet run by, an engine that has been closed. */
public class EngineClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public EngineClosedException(String engine) {
        super("flexsc " + engine + " engine is closed");
    }
}
