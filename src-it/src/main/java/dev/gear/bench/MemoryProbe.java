package dev.gear.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process's memory: its resident set (VmRSS from {@code /proc/<pid>/status}) and, for a
 * JVM, its live heap ({@code jcmd <pid> GC.run}, then the "used" of {@code jcmd <pid> GC.heap_info},
 * so only reachable objects count).
 */
final class MemoryProbe {
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    /** NaN where not known. */
    record Reading(double heapBytes, double rssBytes) {
    }

    private MemoryProbe() {
    }

    static Reading read(Target target) {
        long pid = target.pid();
        if (pid < 0) {
            return new Reading(Double.NaN, Double.NaN);
        }
        double heap = Double.NaN;
        if (target.isJvm()) {
            jcmd(pid, "GC.run");
            Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            heap = used.find() ? Long.parseLong(used.group(1)) * 1024.0 : Double.NaN;
        }
        double rss = Double.NaN;
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            rss = m.find() ? Long.parseLong(m.group(1)) * 1024.0 : Double.NaN;
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone: unknown
        }
        return new Reading(heap, rss);
    }

    /** "heap +61.2 MiB = 64 B/job; RSS 120 → 310 MiB" for {@code jobs} queued between the two readings. */
    static String describe(Reading before, Reading after, long jobs) {
        StringBuilder out = new StringBuilder();
        if (!Double.isNaN(after.heapBytes()) && !Double.isNaN(before.heapBytes())) {
            double grown = after.heapBytes() - before.heapBytes();
            out.append(String.format(Locale.ROOT, "heap per queued job %.0f B (%+.1f MiB live heap); ",
                    grown / jobs, grown / (1 << 20)));
        }
        out.append(String.format(Locale.ROOT, "RSS %.0f MiB at depth (%.0f MiB before)",
                after.rssBytes() / (1 << 20), before.rssBytes() / (1 << 20)));
        return out.toString();
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
