/**
 * Non-blocking sockets for every side of the stack: {@code EventLoop} (one selector thread, its
 * tasks and timers), {@code NioConnection} (one socket: reads into the decoder, batched writes from
 * its {@code OutputQueue}), {@code ListenerKey} and {@code PendingConnect} (accepting and
 * connecting), {@code TlsTransport} (an {@code SSLEngine} over the same connection), and the
 * settings values ({@code SocketSettings}, {@code ConnectionLimits}, {@code TlsSettings}).
 */
package dev.gear.internal.transport;
