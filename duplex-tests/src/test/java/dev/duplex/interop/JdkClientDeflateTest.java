package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK's java.net.http.WebSocket offers no extensions: our server (compression on by default)
 * agrees none, and text and binary, small and large, compressible or not, flow uncompressed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdkClientDeflateTest extends DeflateInterop {
    JdkClientPeer jdk;

    @AfterEach
    void closeJdk() {
        if (jdk != null) {
            jdk.close();
        }
    }

    @Test
    void jdkClientOffersNothingSoNothingIsNegotiatedAndMessagesFlow() throws Exception {
        Variant v = new Variant("jdk client / our defaults", null, null, false, null);
        jdk = new JdkClientPeer(startDuplexServer(v));
        duplex.ws();
        jdk.expect("open");
        assertOurSide(v);
        for (String t : new String[] {"", "hi", chatJson(300, 1), chatJson(70_000, 2), chatJson(1 << 20, 3)}) {
            jdk.sendText(t);
            InteropContract.assertText(duplex.expect("text"), t);
            duplex.ws().sendText(t);
            InteropContract.assertText(jdk.expect("text"), t);
        }
        for (byte[] b : new byte[][] {new byte[0], random(300, 4), random(1 << 20, 5), Payloads.pattern(8 << 20)}) {
            jdk.sendBinary(b);
            InteropContract.assertMessage(duplex.expect("binary"), b);
            duplex.ws().sendBinary(ByteBuffer.wrap(b));
            InteropContract.assertMessage(jdk.expect("binary"), b);
        }
        duplex.ws().close(1000, "done").get(10, TimeUnit.SECONDS);
        assertThat(jdk.expect("close").num("code")).isEqualTo(1000);
        assertThat(duplex.expect("close").num("code")).isEqualTo(1000);
    }
}
