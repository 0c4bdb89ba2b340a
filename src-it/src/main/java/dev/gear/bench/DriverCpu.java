package dev.gear.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The benchmark JVM's own CPU time: what the load generator (raw or our library) spends, all
 * threads, JIT and GC included. With {@code --servers=embedded} the server's time is in it too.
 */
final class DriverCpu {
    private DriverCpu() {
    }

    /** Process CPU time in ns, or -1 where the JVM cannot tell. */
    static long nanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
