package dev.duplex;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Ready-made {@link SSLContext}s for wss://: a server's certificate and key from PEM or PKCS#12
 * files, a client's trust, and for mutual TLS the authorities a server accepts client
 * certificates from and the certificate a client presents. Pass the result to
 * {@code WebSocketServer.Builder.tls} or {@code ClientOptions.Builder.sslContext}. Duplex
 * enables TLS 1.3 and 1.2 only, whatever the context allows.
 *
 * <p>Unreadable files raise {@link IOException}; files that are readable but hold the wrong thing
 * raise {@link IllegalArgumentException} whose message says what was found and how to fix it.
 */
public final class Tls {
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem";

    private Tls() {}

    /**
     * A server context from PEM files, as made by openssl or handed out by Let's Encrypt
     * ({@code fullchain.pem} and {@code privkey.pem}).
     *
     * @param certificateChainPem the server's certificate first, then the intermediates (the root may
     *                            be left out)
     * @param privateKeyPem       the certificate's unencrypted private key in PKCS#8 ({@code -----BEGIN
     *                            PRIVATE KEY-----}), RSA or EC; convert an older {@code BEGIN RSA/EC
     *                            PRIVATE KEY} file with {@code openssl pkcs8 -topk8 -nocrypt -in key.pem
     *                            -out key.pk8.pem}
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if a file does not hold what it should, or the key does not
     *                                  belong to the certificate
     */
    public static SSLContext serverFromPem(Path certificateChainPem, Path privateKeyPem) throws IOException {
        KeyStore keys = pemKeyStore(certificateChainPem, privateKeyPem, "server");
        return context(keys, new char[0], null, certificateChainPem + " and " + privateKeyPem);
    }

    /**
     * A server context for mutual TLS: like {@link #serverFromPem(Path, Path)}, and it accepts
     * client certificates issued by the authorities in {@code clientCaPem} (and only those, not
     * the system's). Whether clients must present one is set with
     * {@link WebSocketServer.Builder#clientAuth}; who connected is
     * {@link WebSocket#peerCertificates()}.
     *
     * @param clientCaPem one or more PEM certificates of the authorities that issue client
     *                    certificates (a self-signed client certificate may be listed itself)
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if a file does not hold what it should, or the key does not
     *                                  belong to the certificate
     */
    public static SSLContext serverFromPem(Path certificateChainPem, Path privateKeyPem, Path clientCaPem)
            throws IOException {
        KeyStore keys = pemKeyStore(certificateChainPem, privateKeyPem, "server");
        KeyStore trust = trustStore(clientCaPem, "client CA certificates");
        return context(keys, new char[0], trust, certificateChainPem + ", " + privateKeyPem + " and " + clientCaPem);
    }

    /**
     * A server context from a PKCS#12 file (.p12/.pfx) holding the certificate chain and its key,
     * as made by {@code openssl pkcs12 -export -in fullchain.pem -inkey key.pem -out server.p12} or
     * {@code keytool -genkeypair -storetype PKCS12}.
     *
     * @param password the file's password, which must also be the key's (as those tools make it);
     *                 the array is not kept or cleared
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the password is wrong or the file holds no private key
     */
    public static SSLContext serverFromPkcs12(Path file, char[] password) throws IOException {
        return fromPkcs12(file, password, null, "a server");
    }

    /**
     * A server context for mutual TLS from a PKCS#12 file: like {@link #serverFromPkcs12(Path,
     * char[])}, and it accepts client certificates issued by the authorities in {@code clientCaPem}
     * (see {@link #serverFromPem(Path, Path, Path)}).
     *
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if the password is wrong, the file holds no private key, or
     *                                  {@code clientCaPem} holds no certificate
     */
    public static SSLContext serverFromPkcs12(Path file, char[] password, Path clientCaPem) throws IOException {
        return fromPkcs12(file, password, trustStore(clientCaPem, "client CA certificates"), "a server");
    }

    /**
     * A client context that trusts exactly the given certificates (and certificates they issued),
     * not the system's authorities: for a self-signed server certificate or a private CA.
     * Hostname verification still applies, so the certificate must name the host you connect to.
     *
     * @param pemCertificates one or more PEM certificates
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if it holds no certificate
     */
    public static SSLContext clientTrusting(Path pemCertificates) throws IOException {
        KeyStore trust = trustStore(pemCertificates, "trusted certificates");
        return context(null, null, trust, pemCertificates.toString());
    }

    /**
     * A client context that presents a certificate to servers that ask for one (mutual TLS) and
     * trusts the system's authorities, as {@link #clientDefault()} does.
     *
     * @param certificateChainPem the client's certificate first, then any intermediates
     * @param privateKeyPem       its unencrypted PKCS#8 private key, as for
     *                            {@link #serverFromPem(Path, Path)}
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if a file does not hold what it should, or the key does not
     *                                  belong to the certificate
     */
    public static SSLContext clientFromPem(Path certificateChainPem, Path privateKeyPem) throws IOException {
        KeyStore keys = pemKeyStore(certificateChainPem, privateKeyPem, "client");
        return context(keys, new char[0], null, certificateChainPem + " and " + privateKeyPem);
    }

    /**
     * A client context that presents a certificate (mutual TLS) and trusts exactly the
     * certificates in {@code trustedPem}, as {@link #clientTrusting(Path)} does.
     *
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if a file does not hold what it should, or the key does not
     *                                  belong to the certificate
     */
    public static SSLContext clientFromPem(Path certificateChainPem, Path privateKeyPem, Path trustedPem)
            throws IOException {
        KeyStore keys = pemKeyStore(certificateChainPem, privateKeyPem, "client");
        KeyStore trust = trustStore(trustedPem, "trusted certificates");
        return context(keys, new char[0], trust, certificateChainPem + ", " + privateKeyPem + " and " + trustedPem);
    }

    /**
     * A client context that presents the certificate and key of a PKCS#12 file (mutual TLS) and
     * trusts the system's authorities.
     *
     * @param password the file's password, which must also be the key's; not kept or cleared
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the password is wrong or the file holds no private key
     */
    public static SSLContext clientFromPkcs12(Path file, char[] password) throws IOException {
        return fromPkcs12(file, password, null, "a client");
    }

    /**
     * A client context that presents the certificate and key of a PKCS#12 file (mutual TLS) and
     * trusts exactly the certificates in {@code trustedPem}.
     *
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if the password is wrong, the file holds no private key, or
     *                                  {@code trustedPem} holds no certificate
     */
    public static SSLContext clientFromPkcs12(Path file, char[] password, Path trustedPem) throws IOException {
        return fromPkcs12(file, password, trustStore(trustedPem, "trusted certificates"), "a client");
    }

    /**
     * The JVM's default client context: the system trust store ({@code cacerts}, or what the
     * {@code javax.net.ssl.trustStore} property names). What a wss:// client uses when given
     * nothing else.
     */
    public static SSLContext clientDefault() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------- PEM

    private static List<X509Certificate> certificates(Path file, String what) throws IOException {
        String text = readPem(file, what);
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(text);
        CertificateFactory factory = x509();
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                certificates.add(certificate(factory, decode(m.group(2), file), file));
            }
        }
        if (certificates.isEmpty()) {
            String hint = text.contains("PRIVATE KEY-----")
                    ? "; it holds a private key: are the certificate and key files swapped?"
                    : "; expected one or more -----BEGIN CERTIFICATE----- blocks";
            throw new IllegalArgumentException("no certificate found in " + file + hint);
        }
        return certificates;
    }

    private static X509Certificate certificate(CertificateFactory factory, byte[] der, Path file) {
        try (InputStream in = new ByteArrayInputStream(der)) {
            return (X509Certificate) factory.generateCertificate(in);
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("a certificate in " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file, X509Certificate certificate) throws IOException {
        String text = readPem(file, "private key");
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                PrivateKey key = pkcs8(decode(m.group(2), file), certificate.getPublicKey(), file);
                checkPair(key, certificate, file);
                return key;
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw unsupportedKey(type, file);
            }
        }
        String hint = text.contains("BEGIN CERTIFICATE")
                ? "; it holds a certificate: are the certificate and key files swapped?"
                : "; expected -----BEGIN PRIVATE KEY----- (PKCS#8)";
        throw new IllegalArgumentException("no private key found in " + file + hint);
    }

    private static IllegalArgumentException unsupportedKey(String type, Path file) {
        if (type.equals("ENCRYPTED PRIVATE KEY")) {
            return new IllegalArgumentException("the private key in " + file + " is encrypted; Duplex needs it"
                    + " unencrypted (protect the file instead): " + TO_PKCS8);
        }
        String format = type.startsWith("RSA") ? "PKCS#1" : type.startsWith("EC") ? "SEC1" : "an unsupported format";
        return new IllegalArgumentException("the private key in " + file + " is " + format + " (-----BEGIN " + type
                + "-----); Duplex reads PKCS#8 (-----BEGIN PRIVATE KEY-----). Convert it with: " + TO_PKCS8);
    }

    /** Reads the key with the algorithm of the certificate's key, which also catches an RSA/EC mix-up. */
    private static PrivateKey pkcs8(byte[] der, PublicKey certificateKey, Path file) {
        String algorithm = certificateKey.getAlgorithm();
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            for (String other : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                if (!other.equals(algorithm) && readsAs(der, other)) {
                    throw new IllegalArgumentException("the private key in " + file + " is " + other
                            + " but the certificate's key is " + algorithm + ": they do not belong together");
                }
            }
            throw new IllegalArgumentException("cannot read the private key in " + file + " as a PKCS#8 "
                    + algorithm + " key: " + e.getMessage(), e);
        }
    }

    private static boolean readsAs(byte[] der, String algorithm) {
        try {
            KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * A key that does not belong to the certificate would only fail later, at the first handshake,
     * with a message naming neither file. RSA compares moduli; other keys sign a probe, which
     * costs well under a millisecond once at startup.
     */
    private static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile) {
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        if (key instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
            matches = rsa.getModulus().equals(rsaPublic.getModulus());
        } else {
            matches = signatureVerifies(key, publicKey);
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the certificate "
                    + certificate.getSubjectX500Principal().getName() + "; give the key it was issued for");
        }
    }

    private static boolean signatureVerifies(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // no cheap check for this key type; the handshake will tell
        }
        try {
            byte[] probe = "duplex key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String readPem(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "the " + what + " file does not exist (working directory: "
                            + Path.of("").toAbsolutePath() + ")");
        }
        // Latin-1 never fails to decode: tools put non-ASCII names in comment lines around the blocks
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static byte[] decode(String base64, Path file) {
        try {
            return Base64.getMimeDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a PEM block in " + file + " is not valid base64: " + e.getMessage(), e);
        }
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM cannot read X.509 certificates", e);
        }
    }

    // -------------------------------------------------------------------------------- PKCS#12

    private static KeyStore keyStore(Path file, char[] password) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "the PKCS#12 file does not exist (working directory: "
                    + Path.of("").toAbsolutePath() + ")");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException e) {
            // KeyStore.load reports a wrong password and a damaged file as IOException too
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IllegalArgumentException("wrong password for " + file, e);
            }
            if (Files.isReadable(file)) {
                throw new IllegalArgumentException(file + " is not a readable PKCS#12 file (" + e.getMessage()
                        + "); for PEM files use Tls.serverFromPem or Tls.clientFromPem", e);
            }
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a usable PKCS#12 file: " + e.getMessage(), e);
        }
    }

    private static boolean hasKeyEntry(KeyStore store) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    // -------------------------------------------------------------------------------- contexts

    private static KeyStore pemKeyStore(Path chainFile, Path keyFile, String alias) throws IOException {
        List<X509Certificate> chain = certificates(chainFile, "certificate chain");
        PrivateKey key = privateKey(keyFile, chain.get(0));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, new char[0], chain.toArray(new Certificate[0]));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not build a TLS context from " + chainFile + " and "
                    + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path pemFile, String what) throws IOException {
        List<X509Certificate> certificates = certificates(pemFile, what);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not build a TLS context trusting " + pemFile + ": "
                    + e.getMessage(), e);
        }
    }

    private static SSLContext fromPkcs12(Path file, char[] password, KeyStore trust, String who) throws IOException {
        KeyStore store = keyStore(file, password);
        try {
            if (!hasKeyEntry(store)) {
                throw new IllegalArgumentException(file + " holds no private key, only " + store.size()
                        + " certificate(s); " + who + " needs its key: openssl pkcs12 -export -in cert.pem"
                        + " -inkey key.pem -out " + file.getFileName());
            }
            return init(store, password, trust);
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("the key in " + file + " has a password other than the file's;"
                    + " give both the same password", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the key in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Null {@code keys} presents no certificate; null {@code trust} trusts the JVM's authorities. */
    private static SSLContext context(KeyStore keys, char[] password, KeyStore trust, String files) {
        try {
            return init(keys, password, trust);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not build a TLS context from " + files + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext init(KeyStore keys, char[] password, KeyStore trust) throws GeneralSecurityException {
        KeyManager[] keyManagers = null;
        if (keys != null) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            keyManagers = kmf.getKeyManagers();
        }
        TrustManager[] trustManagers = null;
        if (trust != null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            trustManagers = tmf.getTrustManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers, null);
        return context;
    }
}
