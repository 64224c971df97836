package dev.duplex.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.cli.bench.RawClient.Conn;
import dev.duplex.cli.bench.RawClient.Loop;
import dev.duplex.cli.bench.RawClient.Payload;
import dev.duplex.cli.bench.RawClient.Senders;
import org.junit.jupiter.api.Test;

/** Who may send on a connection: a loop-only one takes no lock, so it refuses any other thread. */
class RawClientTest {
    @Test
    void aLoopOnlyConnectionRefusesSendsFromOtherThreads() throws Exception {
        Conn c = new Conn(new Loop(0), null, null, Senders.LOOP); // the loop is never started: this thread is not it
        Payload p = new Payload(true, 32);
        assertThatThrownBy(() -> c.send(p, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("loop only");
        assertThatThrownBy(c::flush).isInstanceOf(IllegalStateException.class);
        assertThat(c.queued()).isZero();
    }

    @Test
    void anyThreadMaySendOnASharedConnection() throws Exception {
        Conn c = new Conn(new Loop(0), null, null, Senders.ANY);
        Payload p = new Payload(true, 32);
        c.send(p, 1);
        c.send(p, 2);
        assertThat(c.queued()).isEqualTo(2L * p.frame.remaining());
    }
}
