package dev.golt.server;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/**
 * A {@link GoltConfig} from plain properties, outside Quarkus: the in-JVM tests configure nodes
 * with the same keys and {@code @WithDefault} defaults as the application, through the same checks.
 */
public final class TestConfig {

    private TestConfig() {}

    public static GoltConfig of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(GoltConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build()
                .getConfigMapping(GoltConfig.class);
    }
}
