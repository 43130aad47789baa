package dev.golt.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;

/** Entry point: turns flags and GOLT_* variables into configuration before Quarkus starts. */
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
        keepHeapSmall();
        Quarkus.run();
    }

    /**
     * {@code java -jar} without heap flags would let the heap grow to a quarter of the machine's
     * memory; a node needs little heap (its data lives in the LSM's files and caches), so unless
     * the operator chose heap flags, ask the GC through its manageable flags to stay small and to
     * give memory back.
     */
    static void keepHeapSmall() {
        boolean chosen = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAM") || a.startsWith("-XX:SoftMaxHeapSize")
                        || a.contains("HeapFreeRatio"));
        if (chosen) {
            return;
        }
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        for (String[] option : new String[][] {
            {"MinHeapFreeRatio", "10"}, {"MaxHeapFreeRatio", "25"}, {"SoftMaxHeapSize", Long.toString(160L << 20)}}) {
            try {
                vm.setVMOption(option[0], option[1]);
            } catch (RuntimeException e) {
                // not supported by this JVM or GC: the defaults stay
            }
        }
    }
}
