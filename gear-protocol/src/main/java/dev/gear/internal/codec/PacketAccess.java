package dev.gear.internal.codec;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;

/**
 * Copy-free access to {@link Packet} internals for the codec and transports. Packet is immutable
 * to users and copies on every public path; the hot paths (decoding a 16 MiB payload, forwarding
 * a WORK_* body unchanged) must not pay for those copies. Packet installs the implementation.
 */
public abstract class PacketAccess {
    private static volatile PacketAccess instance;

    protected PacketAccess() {
    }

    /** Called once by {@link Packet}'s static initializer. */
    public static void install(PacketAccess access) {
        if (instance != null) {
            throw new IllegalStateException("PacketAccess already installed");
        }
        instance = access;
    }

    /** A packet that owns {@code body}; the caller must never modify the array afterwards. */
    public static Packet wrap(Magic magic, PacketType type, byte[] body) {
        return get().newPacket(magic, type, body);
    }

    /** The packet's body array itself; callers must not modify it. */
    public static byte[] body(Packet packet) {
        return get().bodyWithoutCopy(packet);
    }

    /** The message for a body that lacks the separators its type needs. */
    public static String malformedMessage(PacketType type, byte[] body) {
        return get().malformed(type, body);
    }

    protected abstract Packet newPacket(Magic magic, PacketType type, byte[] body);

    protected abstract byte[] bodyWithoutCopy(Packet packet);

    protected abstract String malformed(PacketType type, byte[] body);

    private static PacketAccess get() {
        PacketAccess a = instance;
        if (a == null) {
            try {
                Class.forName(Packet.class.getName(), true, Packet.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            a = instance;
        }
        return a;
    }
}
