package dev.gear.testkit.bench;

import java.util.List;

/** TLS rows of the benchmark; empty until the server's TLS mode is merged into this branch. */
final class TlsModes {
    private TlsModes() {
    }

    static List<String> run() {
        return List.of("tls    (not measured: the server has no TLS mode on this branch yet)");
    }
}
