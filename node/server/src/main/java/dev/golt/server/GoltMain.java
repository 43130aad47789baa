package dev.golt.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Map;

/**
 * Entry point: turns flags and GOLT_* variables into configuration before Quarkus starts. JVM
 * settings (a small heap) come from the launchers: {@code bin/golt-node} and the container image.
 */
@QuarkusMain
public final class GoltMain {

    private GoltMain() {}

    public static void main(String... args) {
        Map<String, String> props;
        try {
            props = NodeFlags.toProperties(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("golt: " + e.getMessage());
            System.err.println(NodeFlags.USAGE);
            System.exit(2);
            return;
        }
        props.forEach(System::setProperty);
        Quarkus.run();
    }
}
