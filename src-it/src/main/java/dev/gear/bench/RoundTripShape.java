package dev.gear.bench;

/**
 * The shape of a foreground round-trip load: {@code clients} connections, each keeping
 * {@code inFlight} jobs outstanding, {@code workers} echo workers, {@code payloadBytes} each way.
 */
record RoundTripShape(int clients, int inFlight, int workers, int payloadBytes) {
    String describe() {
        return clients + " client" + (clients == 1 ? "" : "s") + " x " + inFlight + " in flight, " + workers
                + " worker" + (workers == 1 ? "" : "s") + ", " + Sizes.describe(payloadBytes);
    }
}
