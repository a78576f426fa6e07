package io.flexsc.nio.engine;

/** Thrown when a forced engine ({@code -Dflexsc.engine=...}) cannot start; the message says why. */
public class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message) {
        super(message);
    }

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
