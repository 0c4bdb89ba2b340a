package dev.gear.testkit;

import java.net.InetSocketAddress;

/** The gearman command-line tools against the plain TCP test server. */
class GearmanCliInteropTest extends GearmanCliInteropContract {
    @Override
    EmbeddedGearmanServer.Builder configure(EmbeddedGearmanServer.Builder builder) {
        return builder;
    }

    @Override
    InetSocketAddress endpoint() {
        return server.address();
    }
}
