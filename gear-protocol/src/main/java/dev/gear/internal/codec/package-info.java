/**
 * The wire format: {@code FrameDecoder} cuts a byte stream into binary packets and admin text
 * lines, allocating only as bytes arrive; {@code WireBytes} holds the byte-level helpers (NUL
 * search, the 12-byte header) written once; {@code PacketAccess} lets the stack reach a
 * {@link dev.gear.Packet}'s body without the copy the public API makes.
 */
package dev.gear.internal.codec;
