package dev.gear.junit5.internal;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The texts of misuse errors. Each names the declaration at fault and says the fix; tests assert
 * them verbatim, so change them here and there together.
 */
final class Messages {
    private Messages() {
    }

    static String wrongType(String what, Class<?> actual) {
        return what + " is of type " + actual.getSimpleName() + ": declare it as EmbeddedGearmanServer";
    }

    static String finalAndEmpty(String site) {
        return "@GearmanServer " + site + " is final and empty, so the extension cannot set it: remove 'final',"
                + " or assign it a server made with EmbeddedGearmanServer.builder()";
    }

    static String prefilledWithAttributes(String site, List<String> attributes) {
        return "@GearmanServer " + site + " already holds a server, so the extension would ignore "
                + attributes.stream().collect(Collectors.joining(", ", "the attribute(s) ", ""))
                + ": configure that server with EmbeddedGearmanServer.builder(), or leave the field empty";
    }

    static String constructorParameter(String what, String site) {
        return what + " cannot be injected into " + site
                + ": use a @GearmanServer field, or a parameter of a test or lifecycle method";
    }

    static String noServer(String what, String site) {
        return what + " " + site + " needs a Gearman server, but none is in scope: annotate a field or parameter"
                + " of type EmbeddedGearmanServer with @GearmanServer";
    }

    static String twoServers(String what, String site, List<String> candidates, String remedy) {
        return what + " " + site + " needs one Gearman server, but " + candidates.size() + " are in scope ("
                + String.join(", ", candidates) + "): " + remedy;
    }

    static String connectedToUnknown(String name, String site, List<String> candidates) {
        return "@ConnectedTo(\"" + name + "\") on " + site + " names no @GearmanServer field in scope; "
                + (candidates.isEmpty() ? "no server is in scope" : "in scope: " + String.join(", ", candidates));
    }

    static String connectedToAmbiguous(String name, String site, List<String> matching) {
        return "@ConnectedTo(\"" + name + "\") on " + site + " names " + matching.size()
                + " @GearmanServer fields in scope (" + String.join(", ", matching) + "): rename one of them";
    }

    static String clientCertWithoutTls(String cn, String site, String server) {
        return "@ClientCert(\"" + cn + "\") on " + site + " needs a TLS server, but " + server
                + " is plain: use @GearmanServer(tls = true)";
    }

    static String misplaced(String annotation, String site, String fits) {
        return annotation + " on " + site + " has no effect: it applies only to " + fits + " parameters";
    }

    static String journalCapacity(String site, int capacity) {
        return "@GearmanServer " + site + " has journalCapacity = " + capacity + ": it must be at least 1";
    }

    static String aclWithoutTls(String site) {
        return "@GearmanServer " + site + " has acl entries but not tls: the ACL knows peers by their client"
                + " certificate's CN, so without TLS it would deny everyone; add tls = true";
    }

    static String invalidAcl(String site, String reason) {
        return "@GearmanServer " + site + " has an invalid acl entry: " + reason;
    }

    static String registrationDenied(String cn, String function, String site, String server) {
        return "@CanDo(\"" + function + "\") on " + site + " cannot register: the ACL of " + server
                + " does not let CN=" + cn + " register '" + function + "'; add @GearmanServer.Acl(subject = \""
                + cn + "\", register = ...) or name a permitted certificate with @ClientCert";
    }

    static String prefilledAlreadyClosed(String site) {
        return "@GearmanServer " + site + " holds a server that was closed after an earlier test class used it,"
                + " and a closed server cannot start again: leave the field empty so that each class gets a new"
                + " server";
    }
}
