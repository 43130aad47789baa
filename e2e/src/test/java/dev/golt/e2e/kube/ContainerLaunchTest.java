package dev.golt.e2e.kube;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the test kubelet turns a container's mount paths into host folders. */
class ContainerLaunchTest {

    @Test
    void aHostFolderPutInForOneMountIsNotRewrittenForAnother() {
        Map<String, Path> mounts = Map.of("/var/lib/golt", Path.of("/tmp/run/volumes/pvc-1"),
                "/tmp", Path.of("/tmp/run/pods/uid/volumes/tmp"));
        assertThat(ContainerLaunch.toHostPaths("--data /var/lib/golt", mounts)).isEqualTo("--data /tmp/run/volumes/pvc-1");
        assertThat(ContainerLaunch.toHostPaths("/tmp/x", mounts)).isEqualTo("/tmp/run/pods/uid/volumes/tmp/x");
    }

    @Test
    void onlyWholePathsAreReplaced() {
        Map<String, Path> mounts = Map.of("/data", Path.of("/host/d"));
        assertThat(ContainerLaunch.toHostPaths("/data2 /data/x x/data /data", mounts))
                .isEqualTo("/data2 /host/d/x x/data /host/d");
    }
}
