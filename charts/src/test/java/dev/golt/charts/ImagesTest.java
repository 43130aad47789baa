package dev.golt.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's image defaults agree with what {@code bin/build-images} builds. (The images' own
 * contents are checked in the images module and by the image tests, which start them.)
 */
class ImagesTest {

    private static final Path ROOT = Chart.DIR.resolve("../..").normalize();

    @Test
    void chartDefaultsToTheOperatorImageThatBuildImagesBuilds() throws IOException {
        String values = Files.readString(Chart.DIR.resolve("values.yaml"));

        assertThat(values).containsPattern("(?m)^  repository: " + Pattern.quote(defaultRegistry() + "/golt-operator") + "$");
    }

    static String defaultRegistry() throws IOException {
        Matcher matcher = Pattern.compile("registry=\"\\$\\{REGISTRY:-([^}]+)}\"")
                .matcher(Files.readString(ROOT.resolve("bin/build-images")));
        assertThat(matcher.find()).as("bin/build-images sets a default REGISTRY").isTrue();
        return matcher.group(1);
    }
}
