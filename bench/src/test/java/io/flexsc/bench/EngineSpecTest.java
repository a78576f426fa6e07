package io.flexsc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSpecTest {

    @Test
    void plainName() {
        EngineSpec s = EngineSpec.parse(" Direct ");
        assertEquals("direct", s.name());
        assertEquals(Map.of(), s.properties());
    }

    @Test
    void settingsBecomeEngineProperties() {
        EngineSpec s = EngineSpec.parse("uring:adaptive=false;entries=256");
        assertEquals("uring", s.name());
        assertEquals(Map.of("flexsc.uring.adaptive", "false", "flexsc.uring.entries", "256"), s.properties());
    }

    @Test
    void applySetsTheProperties() {
        String key = "flexsc.benchtest.knob";
        try {
            EngineSpec.parse("benchtest:knob=7").applyProperties();
            assertEquals("7", System.getProperty(key));
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void malformedSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EngineSpec.parse(":adaptive=true"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineSpec.parse("uring:adaptive"));
        assertTrue(e.getMessage().contains("'adaptive'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineSpec.parse("uring:adaptive="));
    }
}
