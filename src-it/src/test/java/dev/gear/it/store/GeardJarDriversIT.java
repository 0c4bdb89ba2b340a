package dev.gear.it.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.it.support.GeardProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * geard.jar bundles both JDBC drivers, but merging their jars keeps only one
 * {@code META-INF/services/java.sql.Driver}: both stores must still find their driver from it.
 */
class GeardJarDriversIT {
    @TempDir
    Path dir;

    @Test
    void bothDriversLoadFromTheGeardJar() throws Exception {
        Optional<String> reason = GeardProcess.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
        Path probeClasses = Path.of(GeardJarDriversProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process probe = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", GeardProcess.jar().toAbsolutePath() + File.pathSeparator + probeClasses,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                GeardJarDriversProbe.class.getName(), dir.resolve("probe.db").toString()))
                .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).contains("sqlite ok 0").contains("postgres driver ok: Cannot open postgres queue store");
    }
}
