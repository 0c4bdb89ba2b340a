/**
 * An in-JVM Gearman server for tests and the TLS material to go with it.
 */
module dev.gear.testkit {
    requires transitive dev.gear.protocol;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports dev.gear.testkit;
}
