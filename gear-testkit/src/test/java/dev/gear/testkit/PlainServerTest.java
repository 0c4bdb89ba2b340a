package dev.gear.testkit;

import java.io.IOException;
import java.net.Socket;

/** The capabilities over plain TCP. */
class PlainServerTest extends ServerCapabilitiesContract {
    @Override
    EmbeddedGearmanServer.Builder configure(EmbeddedGearmanServer.Builder builder) {
        return builder;
    }

    @Override
    Socket rawSocket() throws IOException {
        return new Socket("127.0.0.1", server.port());
    }
}
