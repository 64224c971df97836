package dev.duplex.bench;

import dev.duplex.protocol.extension.Extension;
import java.nio.ByteBuffer;

/**
 * Bytes on the wire for chat-like JSON ({@link DeflateBenchmark#chatJson}) of each size, raw and
 * compressed: level 6 without context takeover (the server default: every message on its own)
 * and with it (the window holds earlier messages). Averages over {@link DeflateBenchmark#count} different messages, in one stream.
 *
 * <pre>java -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.DeflateSizes</pre>
 */
public final class DeflateSizes {
    public static void main(String[] args) {
        int[] sizes = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 65536};
        System.out.println("| message bytes | frame raw | payload deflated (no takeover) | ratio | payload deflated (takeover) | ratio |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int size : sizes) {
            ByteBuffer[] m = DeflateBenchmark.messages(size, DeflateBenchmark.count(size), 7);
            double noCtx = average(m, DeflateBenchmark.serverExtension(6, false, 0));
            double ctx = average(m, DeflateBenchmark.serverExtension(6, true, 0));
            int header = size < 126 ? 2 : size < 65536 ? 4 : 10;
            System.out.printf("| %d | %d | %.1f | %.2f | %.1f | %.2f |%n", size, size + header, noCtx, noCtx / size, ctx,
                    ctx / size);
        }
    }

    private static double average(ByteBuffer[] messages, Extension e) {
        long total = 0;
        for (ByteBuffer m : messages) {
            total += e.encode(m.duplicate(), true).payload().remaining();
        }
        return total / (double) messages.length;
    }
}
