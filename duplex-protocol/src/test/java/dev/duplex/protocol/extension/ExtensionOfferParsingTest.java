package dev.duplex.protocol.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Sec-WebSocket-Extensions} as RFC 6455 §9.1 writes it. */
class ExtensionOfferParsingTest {

    @Test
    void parsesAnOfferWithoutParameters() throws Exception {
        assertThat(ExtensionOffer.parse("permessage-deflate")).containsExactly(ExtensionOffer.of("permessage-deflate"));
    }

    @Test
    void parsesParametersWithAndWithoutValues() throws Exception {
        List<ExtensionOffer> offers = ExtensionOffer.parse("permessage-deflate; client_max_window_bits; server_max_window_bits=10");

        assertThat(offers).containsExactly(ExtensionOffer.of("permessage-deflate",
                new ExtensionParameter("client_max_window_bits", null),
                new ExtensionParameter("server_max_window_bits", "10")));
    }

    @Test
    void unquotesQuotedValues() throws Exception {
        ExtensionOffer offer = ExtensionOffer.parse("foo; a=\"10\"; b=\"x\\y\"").get(0);

        assertThat(offer.parameter("a").orElseThrow().value()).isEqualTo("10");
        assertThat(offer.parameter("b").orElseThrow().value()).isEqualTo("xy");
    }

    @Test
    void parsesSeveralOffersInOrder() throws Exception {
        List<ExtensionOffer> offers = ExtensionOffer.parse(
                "permessage-deflate; client_max_window_bits=15, permessage-deflate, x-webkit-deflate-frame");

        assertThat(offers).extracting(ExtensionOffer::name)
                .containsExactly("permessage-deflate", "permessage-deflate", "x-webkit-deflate-frame");
        assertThat(offers.get(0).parameters()).hasSize(1);
        assertThat(offers.get(1).parameters()).isEmpty();
    }

    @Test
    void allowsWhitespaceAroundSeparators() throws Exception {
        List<ExtensionOffer> offers = ExtensionOffer.parse(" a \t;\tb = 1 ; c= \"2\" , d ");

        assertThat(offers).containsExactly(
                ExtensionOffer.of("a", new ExtensionParameter("b", "1"), new ExtensionParameter("c", "2")),
                ExtensionOffer.of("d"));
    }

    @Test
    void skipsEmptyListElements() throws Exception {
        assertThat(ExtensionOffer.parse(", a ,, ,b,")).extracting(ExtensionOffer::name).containsExactly("a", "b");
        assertThat(ExtensionOffer.parse("")).isEmpty();
        assertThat(ExtensionOffer.parse(" , ")).isEmpty();
    }

    @Test
    void parsesSeveralHeadersAsOneList() throws Exception {
        assertThat(ExtensionOffer.parseAll(List.of("a; x", "b, c")))
                .extracting(ExtensionOffer::name).containsExactly("a", "b", "c");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ";", "a;", "a;;b", "a;=1", "a; b=", "a; b=\"\"", "a; b=\"x y\"", "a; b=\"unterminated", "a; b=\"x\\",
        "a b", "a; b c", "a; b=1 2", "a=1", "a; b=\"x\"y", "a; b=\"x\"\"y\"", "caf\u00e9", "a; b=\u00e9", "\"a\"",
        "a; b=c=d", "a; b=\"a\u0000\"", "a/b", "a; b=(c)"})
    void rejectsMalformedHeaders(String value) {
        assertThatThrownBy(() -> ExtensionOffer.parse(value)).isInstanceOf(ExtensionNegotiationException.class);
    }

    @Test
    void saysWhereAndWhatButDoesNotEchoTheInput() {
        assertThatThrownBy(() -> ExtensionOffer.parse("abc; <script>"))
                .hasMessage("malformed Sec-WebSocket-Extensions: expected a parameter name at index 5");
        assertThatThrownBy(() -> ExtensionOffer.parse("a; b=\"c d\""))
                .hasMessageContaining("not a token once unquoted");
    }

    @Test
    void formatsInHeaderForm() {
        List<ExtensionOffer> offers = List.of(
                ExtensionOffer.of("permessage-deflate", new ExtensionParameter("client_max_window_bits", null),
                        new ExtensionParameter("server_max_window_bits", "10")),
                ExtensionOffer.of("x-test"));

        assertThat(ExtensionOffer.format(offers))
                .isEqualTo("permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-test");
        assertThat(offers.get(1)).hasToString("x-test");
    }

    @Test
    void formatQuotesValuesThatAreNotTokens() {
        ExtensionOffer offer = ExtensionOffer.of("a", new ExtensionParameter("p", "x \"y\""));

        assertThat(ExtensionOffer.format(List.of(offer))).isEqualTo("a; p=\"x \\\"y\\\"\"");
    }

    @Test
    void formatRefusesWhatCouldBreakTheHeader() {
        assertThatThrownBy(() -> ExtensionOffer.format(List.of(ExtensionOffer.of("a b"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtensionOffer.format(List.of(
                ExtensionOffer.of("a", new ExtensionParameter("p", "x\r\nSet-Cookie: y")))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtensionOffer.format(List.of(
                ExtensionOffer.of("a", new ExtensionParameter("p;q", null)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formattedOffersParseBack() throws Exception {
        String header = "permessage-deflate; client_max_window_bits; server_no_context_takeover, foo; bar=baz";

        assertThat(ExtensionOffer.format(ExtensionOffer.parse(header))).isEqualTo(header);
    }

    @Test
    void looksUpParametersIgnoringCase() throws Exception {
        ExtensionOffer offer = ExtensionOffer.parse("pmd; Server_No_Context_Takeover; w=9; w=10").get(0);

        assertThat(offer.has("server_no_context_takeover")).isTrue();
        assertThat(offer.has("client_no_context_takeover")).isFalse();
        assertThat(offer.parameter("W").orElseThrow().value()).isEqualTo("9");
        assertThat(offer.count("w")).isEqualTo(2);
        assertThat(offer.count("x")).isZero();
        assertThat(offer.hasName("PMD")).isTrue();
    }
}
