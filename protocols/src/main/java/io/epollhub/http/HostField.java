package io.epollhub.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

import java.util.Iterator;

/**
 * RFC 9112 section 3.2: a server must answer 400 to an HTTP/1.1 request without a {@code Host} field, and to any
 * request with more than one or with one that is not {@code uri-host [ ":" port ]} (RFC 3986 section 3.2). A
 * {@code Host} is what a proxy or virtual host in front routes by, so two that disagree, or one a proxy reads
 * differently, must not reach a route. Checked for every request, so a table lookup per character, no regex.
 */
final class HostField {

    /** RFC 3986 reg-name characters: unreserved and sub-delims ({@code %} is checked on its own). */
    private static final boolean[] REG_NAME = new boolean[128];
    /** Inside {@code [...]}: an IPv6 address, or an IPvFuture ({@code v1.x}, which may use sub-delims too). */
    private static final boolean[] IP_LITERAL = new boolean[128];

    static {
        for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=".toCharArray()) {
            REG_NAME[c] = true;
            IP_LITERAL[c] = true;
        }
        IP_LITERAL[':'] = true;
    }

    private HostField() {
    }

    /** Whether {@code request}'s {@code Host} lines are what RFC 9112 asks of them. */
    static boolean acceptable(HttpRequest request) {
        Iterator<? extends CharSequence> hosts = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            return request.protocolVersion().minorVersion() == 0; // only HTTP/1.0 may leave it out
        }
        CharSequence host = hosts.next();
        return !hosts.hasNext() && valid(host);
    }

    /** {@code uri-host [ ":" port ]}, or empty (allowed when the target has no authority). */
    static boolean valid(CharSequence host) {
        int end = host.length();
        int i = 0;
        if (end > 0 && host.charAt(0) == '[') {
            int close = AsciiString.indexOf(host, ']', 0);
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                if (!in(IP_LITERAL, host.charAt(i))) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < end && host.charAt(i) != ':'; i++) {
                char c = host.charAt(i);
                if (c == '%') {
                    if (i + 2 >= end || !hex(host.charAt(i + 1)) || !hex(host.charAt(i + 2))) {
                        return false;
                    }
                    i += 2;
                } else if (!in(REG_NAME, c)) {
                    return false;
                }
            }
        }
        if (i == end) {
            return true;
        }
        if (host.charAt(i) != ':') {
            return false;
        }
        for (i++; i < end; i++) { // port = *DIGIT
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean in(boolean[] table, char c) {
        return c < table.length && table[c];
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
