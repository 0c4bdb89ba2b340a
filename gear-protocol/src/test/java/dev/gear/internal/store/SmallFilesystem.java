package dev.gear.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real, tiny tmpfs mounted on a temporary directory, to make the disk really full or really
 * read-only under SQLite. Needs root (or CAP_SYS_ADMIN); {@link #unavailableReason()} says why not.
 */
final class SmallFilesystem implements AutoCloseable {
    private final Path mountPoint;
    private boolean mounted;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Why a tmpfs cannot be mounted here, or empty when it can. */
    static Optional<String> unavailableReason() {
        try {
            Path probe = Files.createTempDirectory("gear-tmpfs-probe-");
            try {
                String out = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString());
                if (out != null) {
                    return Optional.of("cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): " + out);
                }
                run("umount", probe.toString());
                return Optional.empty();
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            return Optional.of("cannot mount a tmpfs: " + e);
        }
    }

    /** Mounts a tmpfs of {@code kibibytes} KiB. */
    static SmallFilesystem mount(int kibibytes) throws IOException {
        SmallFilesystem fs = new SmallFilesystem(Files.createTempDirectory("gear-tmpfs-"));
        fs.exec("mount", "-t", "tmpfs", "-o", "size=" + kibibytes + "k,mode=0777", "tmpfs", fs.mountPoint.toString());
        fs.mounted = true;
        return fs;
    }

    Path path() {
        return mountPoint;
    }

    /** Grows (or shrinks) the filesystem in place: tmpfs resizes on remount. */
    void resize(int kibibytes) throws IOException {
        exec("mount", "-o", "remount,size=" + kibibytes + "k", mountPoint.toString());
    }

    /** Remounts read-only (Linux refuses while a file on it is open for writing). */
    void readOnly() throws IOException {
        exec("mount", "-o", "remount,ro", mountPoint.toString());
    }

    void readWrite() throws IOException {
        exec("mount", "-o", "remount,rw", mountPoint.toString());
    }

    @Override
    public void close() throws IOException {
        if (mounted) {
            exec("umount", mountPoint.toString());
            mounted = false;
        }
        Files.deleteIfExists(mountPoint);
    }

    private void exec(String... command) throws IOException {
        String failure = run(command);
        if (failure != null) {
            throw new IOException(String.join(" ", command) + " failed: " + failure);
        }
    }

    /** Runs a command; null on success, else its exit status and output. */
    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "did not finish in 30 s";
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }
}
