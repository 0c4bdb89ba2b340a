package dev.gear.it.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start is copied from the {@code quick-start:NAME:begin/end} regions of the
 * examples in this package; this keeps the copies verbatim (minus the class's indentation), so the
 * README only shows code that compiles and passes.
 */
class ReadmeQuickStartIT {
    private static final Pattern REGION = Pattern.compile(
            "// quick-start:([a-z-]+):begin\n(.*?)\n\\s*// quick-start:\\1:end", Pattern.DOTALL);

    @Test
    void everyMarkedRegionAppearsInTheReadmeVerbatim() throws IOException {
        Path module = Path.of(System.getProperty("basedir", "."));
        String readme = Files.readString(module.resolve("../README.md"));
        List<String> regions = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.list(module.resolve("src/test/java/dev/gear/it/examples"))) {
            sources = new ArrayList<>(files.sorted().collect(Collectors.toList()));
        }
        // The whole-run server needs a launcher run of its own: its example lives with its test.
        sources.add(module.resolve("../gear-junit5/src/test/java/dev/gear/junit5/GlobalGearmanServerTests.java"));
        for (Path file : sources) {
            Matcher m = REGION.matcher(Files.readString(file));
            while (m.find()) {
                regions.add(m.group(1));
                assertThat(readme).as("README copy of region '%s' of %s", m.group(1), file.getFileName())
                        .contains("```java\n" + dedent(m.group(2)) + "\n```");
            }
        }
        assertThat(regions).containsExactlyInAnyOrder("acl", "client", "handler", "library", "parallel", "queued", "worker",
                "zuul", "global");
    }

    private static String dedent(String region) {
        return region.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l).collect(Collectors.joining("\n"));
    }
}
