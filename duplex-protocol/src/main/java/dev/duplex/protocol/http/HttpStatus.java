package dev.duplex.protocol.http;

/** The status codes the WebSocket handshake and same-port HTTP answer with, and their phrases. */
public final class HttpStatus {
    public static final int SWITCHING_PROTOCOLS = 101;
    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int METHOD_NOT_ALLOWED = 405;
    public static final int UPGRADE_REQUIRED = 426;
    public static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
    public static final int INTERNAL_SERVER_ERROR = 500;
    public static final int SERVICE_UNAVAILABLE = 503;

    private HttpStatus() {}

    /** The usual reason phrase (RFC 9110 §15, RFC 6585 for 431), or an empty one for other codes. */
    public static String reasonPhrase(int statusCode) {
        switch (statusCode) {
            case SWITCHING_PROTOCOLS: return "Switching Protocols";
            case OK: return "OK";
            case BAD_REQUEST: return "Bad Request";
            case FORBIDDEN: return "Forbidden";
            case NOT_FOUND: return "Not Found";
            case METHOD_NOT_ALLOWED: return "Method Not Allowed";
            case UPGRADE_REQUIRED: return "Upgrade Required";
            case REQUEST_HEADER_FIELDS_TOO_LARGE: return "Request Header Fields Too Large";
            case INTERNAL_SERVER_ERROR: return "Internal Server Error";
            case SERVICE_UNAVAILABLE: return "Service Unavailable";
            default: return "";
        }
    }
}
