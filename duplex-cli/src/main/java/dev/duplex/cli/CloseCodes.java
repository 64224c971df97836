package dev.duplex.cli;

/** Close codes with their RFC 6455 names, for messages: {@code 1001 Going Away}. */
final class CloseCodes {
    private CloseCodes() {
    }

    static String name(int code) {
        return switch (code) {
            case 1000 -> "Normal Closure";
            case 1001 -> "Going Away";
            case 1002 -> "Protocol Error";
            case 1003 -> "Unsupported Data";
            case 1005 -> "No Status Received";
            case 1006 -> "Abnormal Closure";
            case 1007 -> "Invalid Payload Data";
            case 1008 -> "Policy Violation";
            case 1009 -> "Message Too Big";
            case 1010 -> "Mandatory Extension";
            case 1011 -> "Internal Error";
            case 1012 -> "Service Restart";
            case 1013 -> "Try Again Later";
            case 1014 -> "Bad Gateway";
            case 1015 -> "TLS Handshake";
            default -> null;
        };
    }

    static String describe(int code) {
        String name = name(code);
        return name == null ? String.valueOf(code) : code + " " + name;
    }
}
