package dev.golt.e2e.images;

import java.nio.file.Files;
import java.nio.file.Path;

/** The image tarballs the images module built ({@code images/target/images}). */
public final class ImageTars {
    private ImageTars() {
    }

    public static Path of(String image) {
        Path dir = Path.of(System.getProperty("golt.images.dir", "../images/target/images")).toAbsolutePath().normalize();
        Path tar = dir.resolve(image + ".tar");
        if (!Files.exists(tar)) {
            throw new IllegalStateException("no " + tar + ": build the images first (./mvnw -pl images -am package, or bin/build-images --no-load)");
        }
        return tar;
    }
}
