package dev.gear.bench;

/** A Gearman server under benchmark, listening on loopback; closing it stops it. */
interface Target extends AutoCloseable {
    /** Short name for the results table. */
    String name();

    /** One line saying exactly what runs (version, flags). */
    String description();

    String host();

    int port();

    @Override
    void close();
}
