package dev.gear.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.launch.GeardLaunch;
import dev.gear.server.AclFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The geard distribution archive as an operator uses it: unpacked with {@code tar}, started from
 * {@code bin/geard} (a real process), asked {@code version} over the admin protocol, stopped with
 * SIGTERM by its process id (the launcher {@code exec}s the JVM, so that id is geard's).
 */
class DistributionIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void geardStartsFromBinGeardOfTheUnpackedArchive() throws Exception {
        Path archive = Path.of(System.getProperty("gear.geardDist"));
        assertThat(archive).as("the archive `package` builds").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).as("tar finished").isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        Path home;
        try (var top = Files.list(dir)) {
            home = top.filter(p -> p.getFileName().toString().startsWith("geard-")).findFirst().orElseThrow();
        }
        assertThat(home.resolve("lib/geard.jar")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/geard"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(home.resolve("etc/geard.service")).content().contains("ExecStart=/opt/geard/bin/geard -d");
        assertThat(AclFile.read(home.resolve("etc/acl.ini.sample")).canInvoke("my_client", "resize")).isTrue();

        GeardLaunch geard = GeardLaunch.start(List.of(home.resolve("bin/geard").toString(), "-d", "-p", "0",
                "--listen-address", "127.0.0.1"), "127.0.0.1", WAIT);
        Process process = geard.process();
        try {
            try (Socket admin = new Socket(InetAddress.getLoopbackAddress(), geard.port())) {
                admin.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = admin.getOutputStream();
                out.write("version\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line = new BufferedReader(new InputStreamReader(admin.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                assertThat(line).as("geard's answer to version").startsWith("OK ");
            }
            // SIGTERM to the pid: the JVM itself (bin/geard execs java), which stops with status 0.
            assertThat(ProcessHandle.of(process.pid()).orElseThrow().info().command().orElse(""))
                    .as("bin/geard exec'd the JVM").endsWith("java");
            process.destroy();
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("geard stopped on SIGTERM").isTrue();
            assertThat(process.exitValue()).as("exit status; geard printed %s", geard.output()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }
}
