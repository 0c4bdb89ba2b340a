package dev.gear.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.gear.testkit.PemFiles;
import dev.gear.testkit.TestCertificates;

/**
 * The round trip over TLS, raw generator (SSLEngine on its selector thread). TLS needs servers
 * started with certificates, so this scenario starts its own: geard with {@code --ssl-key
 * --ssl-cert --ssl-ca} (mutual TLS, as our server always does it) and gearmand with {@code --ssl
 * --ssl-ca-file --ssl-certificate --ssl-key}. gearmand is kept only if a TLS handshake with it
 * succeeds (Debian's 1.1.20 accepts the flags but has no TLS code: it then runs ours alone and says
 * so in its title). Certificates come from the test kit ({@link TestCertificates}), written as PEM
 * into a temporary directory.
 */
final class TlsScenario implements OwnServersScenario {
    private static final String CLIENT = "bench";
    private final String id;
    private final BenchOptions options;
    private final RawRoundTripScenario delegate;
    private final TestCertificates certificates = TestCertificates.get();
    private final List<Target> started = new ArrayList<>();
    private String gearmandNote = "";
    private Path directory;

    TlsScenario(String id, RoundTripShape shape, BenchOptions options) {
        this.id = id;
        this.options = options;
        this.delegate = new RawRoundTripScenario(id, shape, options.loops(), options.distinctUniques(),
                certificates.clientContext(CLIENT));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return delegate.title() + "; servers restarted with TLS" + gearmandNote;
    }

    /** Three times the configured warm-up: the servers are fresh processes (a cold JIT, TLS code unused so far). */
    @Override
    public Duration warmUpTime(Duration configured) {
        return configured.multipliedBy(3);
    }

    @Override
    public Session open(Target target) throws InterruptedException {
        return delegate.open(target);
    }

    /** TLS-enabled servers of the same kinds as {@code plain} (the embedded one is left out). */
    @Override
    public List<Target> targets(List<Target> plain) {
        try {
            directory = Files.createTempDirectory("gear-bench-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PemFiles pem = certificates.writeServerPem(directory);
        for (Target target : plain) {
            switch (target.name()) {
                case "geard" -> started.add(GeardTarget.start(options.geardJar(), options.geardJvmOptions(),
                        List.of("--ssl-key", pem.key().toString(), "--ssl-cert", pem.cert().toString(),
                                "--ssl-ca", pem.ca().toString())));
                case "gearmand" -> {
                    List<String> flags = new ArrayList<>(options.gearmandArgs());
                    flags.addAll(List.of("--ssl", "--ssl-ca-file=" + pem.ca(), "--ssl-certificate=" + pem.cert(),
                            "--ssl-key=" + pem.key()));
                    GearmandTarget gearmand = GearmandTarget.start(options.gearmand(), flags);
                    String failure = handshakeFailure(gearmand, certificates.clientContext(CLIENT));
                    if (failure == null) {
                        started.add(gearmand);
                    } else {
                        gearmand.close();
                        gearmandNote = "; gearmand left out: started with --ssl it does not speak TLS (" + failure + ")";
                    }
                }
                default -> {
                    // the embedded server: not measured over TLS
                }
            }
        }
        return started;
    }

    /** Null when a TLS handshake with {@code target} succeeds, else why it did not. */
    private static String handshakeFailure(Target target, SSLContext context) {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(target.host(), target.port())) {
            socket.setSoTimeout(3000);
            socket.startHandshake();
            return null;
        } catch (IOException e) {
            return "handshake: " + e.getMessage();
        }
    }

    /** Stops the servers this scenario started and deletes the certificates. */
    @Override
    public void close() {
        started.forEach(Target::close);
        started.clear();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
