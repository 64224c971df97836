package dev.duplex.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Chunking must not matter: a head parses to the same value however its bytes are split, and the
 * bytes after it are left exactly as they were, for the frame reader.
 */
class HttpHeadChunkingProperties {

    @Property(tries = 300)
    void aRequestParsesTheSameUnderAnyChunking(@ForAll("requests") HttpRequestHead request,
            @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 40) Integer> chunkSizes,
            @ForAll @Size(max = 30) byte[] trailing) throws HttpHeadException {
        byte[] wire = concat(request.toBytes(), trailing);

        Fed<HttpRequestHead> fed = feedInChunks(HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT), wire, chunkSizes);

        assertThat(fed.head).contains(request);
        assertThat(fed.rest).isEqualTo(trailing);
    }

    @Property(tries = 100)
    void aRequestParsesOneByteAtATime(@ForAll("requests") HttpRequestHead request,
            @ForAll @Size(max = 30) byte[] trailing) throws HttpHeadException {
        byte[] wire = concat(request.toBytes(), trailing);

        Fed<HttpRequestHead> fed = feedInChunks(HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT), wire, List.of(1));

        assertThat(fed.head).contains(request);
        assertThat(fed.rest).isEqualTo(trailing);
    }

    @Property(tries = 300)
    void aResponseParsesTheSameUnderAnyChunking(@ForAll("responses") HttpResponseHead response,
            @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 40) Integer> chunkSizes,
            @ForAll @Size(max = 30) byte[] trailing) throws HttpHeadException {
        byte[] wire = concat(response.toBytes(), trailing);

        Fed<HttpResponseHead> fed = feedInChunks(HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT), wire, chunkSizes);

        assertThat(fed.head).contains(response);
        assertThat(fed.rest).isEqualTo(trailing);
    }

    @Property(tries = 100)
    void theRfcRequestParsesTheSameUnderAnyChunking(
            @ForAll @Size(max = 50) List<@IntRange(min = 1, max = 20) Integer> chunkSizes) throws HttpHeadException {
        byte[] wire = Heads.RFC_REQUEST.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequestHead whole = Heads.request(Heads.RFC_REQUEST);

        Fed<HttpRequestHead> fed = feedInChunks(HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT), wire, chunkSizes);

        assertThat(fed.head).contains(whole);
        assertThat(fed.rest).isEmpty();
    }

    /** What feeding gave: the head, and every byte the parser left unread, in order. */
    record Fed<H>(Optional<H> head, byte[] rest) {}

    /** Feeds {@code wire} in chunks of the given sizes, cycling through them (1 byte when none). */
    static <H> Fed<H> feedInChunks(HttpHeadParser<H> parser, byte[] wire, List<Integer> chunkSizes)
            throws HttpHeadException {
        int pos = 0;
        int i = 0;
        while (pos < wire.length) {
            int size = chunkSizes.isEmpty() ? 1 : chunkSizes.get(i++ % chunkSizes.size());
            int end = Math.min(wire.length, pos + size);
            // Each chunk in its own buffer, at a non-zero offset, as a socket read would give it.
            ByteBuffer chunk = ByteBuffer.wrap(concat(new byte[3], Arrays.copyOfRange(wire, pos, end)), 3, end - pos);
            Optional<H> head = parser.parse(chunk);
            if (head.isPresent()) {
                byte[] rest = concat(Arrays.copyOfRange(chunk.array(), chunk.position(), chunk.limit()),
                        Arrays.copyOfRange(wire, end, wire.length));
                return new Fed<>(head, rest);
            }
            assertThat(chunk.hasRemaining()).isFalse();
            pos = end;
        }
        return new Fed<>(Optional.empty(), new byte[0]);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Provide
    Arbitrary<HttpRequestHead> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "OPTIONS", "M-SEARCH");
        Arbitrary<String> target = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(30)
                .map(s -> "/" + s);
        return Combinators.combine(method, target, versions(), headers()).as(HttpRequestHead::new);
    }

    @Provide
    Arbitrary<HttpResponseHead> responses() {
        Arbitrary<Integer> status = Arbitraries.integers().between(100, 999);
        Arbitrary<String> reason = Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\u00e9')
                .ofMaxLength(30);
        return Combinators.combine(versions(), status, reason, headers()).as(HttpResponseHead::new);
    }

    private Arbitrary<HttpVersion> versions() {
        return Arbitraries.of(HttpVersion.HTTP_1_0, HttpVersion.HTTP_1_1, new HttpVersion(2, 0));
    }

    /** Header lines as a writer would produce them: values without surrounding whitespace. */
    private Arbitrary<HttpHeaders> headers() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019-!#$%&'*+.^_`|~").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').withChars(' ', '\t', '\u00ff')
                .ofMaxLength(40)
                .map(v -> HttpTokens.trimWhitespace(v, 0, v.length()));
        Arbitrary<HttpHeader> header = Combinators.combine(name, value).as(HttpHeader::new);
        return header.list().ofMaxSize(15).map(list -> {
            HttpHeaders.Builder b = HttpHeaders.builder();
            list.forEach(b::add);
            return b.build();
        });
    }
}
