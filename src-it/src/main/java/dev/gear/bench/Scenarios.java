package dev.gear.bench;

import java.util.ArrayList;
import java.util.List;

/** The scenarios a run's options select, in table order. */
final class Scenarios {
    static final String LIBRARY_SUFFIX = "/lib";

    private Scenarios() {
    }

    static List<Scenario> of(BenchOptions options) {
        List<Scenario> out = new ArrayList<>();
        RoundTripShape rt = options.roundTrip();
        for (String id : options.scenarios()) {
            switch (id) {
                case "rt" -> roundTrip(out, options, id, rt, true);
                case "floor" -> roundTrip(out, options, id, new RoundTripShape(1, 1, 1, rt.payloadBytes()),
                        !options.quick());
                case "rt4k" -> roundTrip(out, options, id, new RoundTripShape(rt.clients(), rt.inFlight(), rt.workers(),
                        4096), false);
                case "rt1m" -> roundTrip(out, options, id, new RoundTripShape(2, 2, 2, 1 << 20), false);
                case "fanin" -> out.add(new FanInScenario(options.connections()));
                case "faninjob" -> {
                    out.add(new FanInJobScenario(options.connections(), 128, rt.workers()));
                    if (options.library()) {
                        out.add(new LibraryFanInScenario(options.quick() ? 500 : 2_000, 32, rt.workers()));
                    }
                }
                case "bg200k" -> out.add(new BackgroundScenario(id, 200_000, 4, rt.workers(), rt.payloadBytes(),
                        options.drainLimit(), false));
                case "bg1m" -> out.add(new BackgroundScenario(id, 1_000_000, 4, rt.workers(), rt.payloadBytes(),
                        options.drainLimit(), true));
                case "tls" -> out.add(new TlsScenario(id, rt, options));
                case "durable" -> out.add(options.quick() ? new DurableScenario(id, options, 20_000, 2_000, 100_000)
                        : new DurableScenario(id, options, 200_000, 10_000, 1_000_000));
                case "start" -> {
                    // measured once in the benchmark's JVM, not per server
                }
                default -> throw new IllegalArgumentException("unknown scenario " + id);
            }
        }
        return out;
    }

    /**
     * The raw variant, and the library one under {@code id + "/lib"}: with {@code --driver=both}
     * only where {@code libraryByDefault} (the library's rate is compared with the raw one there).
     */
    private static void roundTrip(List<Scenario> out, BenchOptions options, String id, RoundTripShape shape,
            boolean libraryByDefault) {
        if (options.raw()) {
            out.add(new RawRoundTripScenario(id, shape, options.loops(), options.distinctUniques(), null));
        }
        if (options.driver().equals("library") || options.library() && libraryByDefault) {
            for (String style : options.libraryWorkers()) {
                LibraryRoundTripScenario.WorkerStyle worker = LibraryRoundTripScenario.WorkerStyle.of(style);
                out.add(new LibraryRoundTripScenario(id + LIBRARY_SUFFIX + worker.rowSuffix(), shape, worker));
            }
        }
    }
}
