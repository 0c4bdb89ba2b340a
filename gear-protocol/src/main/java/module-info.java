/**
 * The Gearman stack: wire codec, client, worker, administrative protocol and server.
 *
 * <p>{@code dev.gear} is the client-side API and the wire types; {@code dev.gear.server} the
 * server; {@code dev.gear.geard} the {@code geard} command line. Everything under
 * {@code dev.gear.internal} is implementation and may change in any release; it is exported only
 * to this project's own test kit.
 */
module dev.gear.protocol {
    requires org.slf4j;
    requires jdk.net;
    requires java.naming;
    // The persistent queue stores talk JDBC; the drivers (sqlite-jdbc, postgresql) are optional and
    // found through java.sql's own service lookup, so no module of theirs is required here.
    requires java.sql;
    // Reads traditional (non-PKCS#8) PEM keys when present; never required.
    requires static org.bouncycastle.pkix;
    requires static org.bouncycastle.provider;

    exports dev.gear;
    exports dev.gear.server;
    exports dev.gear.geard;
    exports dev.gear.internal.codec to dev.gear.testkit;
    exports dev.gear.internal.transport to dev.gear.testkit;
    exports dev.gear.internal.tls to dev.gear.testkit;
    exports dev.gear.internal.server to dev.gear.testkit;
    exports dev.gear.internal.store to dev.gear.testkit;
}
