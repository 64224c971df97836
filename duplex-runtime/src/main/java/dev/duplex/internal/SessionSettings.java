package dev.duplex.internal;

import dev.duplex.protocol.ProtocolConfig;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What a WebSocket session needs to know beyond the protocol: buffering limits, timers, and
 * where handlers run.
 *
 * @param protocol       limits and choices of the protocol core
 * @param highWatermark  bufferedAmount at or above which the socket counts as not writable
 * @param lowWatermark   bufferedAmount at or below which onWritable fires again
 * @param maxBuffered    bufferedAmount beyond which a send triggers the slow-consumer policy
 * @param closeSlowConsumers whether the slow-consumer policy closes the connection with 1008
 *                       (true) or only fails the send that would go over the limit (false)
 * @param pingInterval   how often to ping the peer; zero for never
 * @param idleTimeout    close after this long without hearing from the peer; zero for never
 * @param closeTimeout   how long to wait for the peer's half of the closing handshake
 * @param executor       where handlers run; null for the event loop itself
 */
public record SessionSettings(ProtocolConfig protocol, long highWatermark, long lowWatermark, long maxBuffered,
                              boolean closeSlowConsumers, Duration pingInterval, Duration idleTimeout,
                              Duration closeTimeout, Executor executor) {
}
