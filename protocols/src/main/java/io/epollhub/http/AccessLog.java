package io.epollhub.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per answered request in the combined log format, to the SLF4J logger {@value #LOGGER}. Off unless the
 * server routes that logger somewhere ({@code --access-log}), where it goes through an asynchronous appender so
 * an event loop never waits for a disk.
 */
public final class AccessLog {

    /** The SLF4J logger the lines go to; the server decides where it writes. */
    public static final String LOGGER = "epollhub.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter CLF_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private AccessLog() {
    }

    /** {@code request} is null for one the decoder could not read (logged as {@code "-"}, as nginx does). */
    static void record(SocketAddress remote, HttpRequest request, HttpResponse response) {
        if (log.isInfoEnabled()) {
            log.info(line(remote, request, response, ZonedDateTime.now()));
        }
    }

    static void record(SocketAddress remote, HttpRequest request, int status, long length) {
        if (log.isInfoEnabled() && request != null) {
            log.info(line(remote, request, status, Long.toString(length), ZonedDateTime.now()));
        }
    }

    /** The bytes field is the body sent: none for {@code HEAD} and 304, whose {@code Content-Length} is the GET's. */
    static String line(SocketAddress remote, HttpRequest request, HttpResponse response, ZonedDateTime time) {
        int status = response.status().code();
        String length = request != null && request.method().equals(HttpMethod.HEAD)
                || status == HttpResponseStatus.NOT_MODIFIED.code()
                ? "-" : response.headers().get(HttpHeaderNames.CONTENT_LENGTH, "-");
        return line(remote, request, status, length, time);
    }

    /** {@code host - - [time] "request line" status bytes "referer" "user-agent"}. */
    private static String line(SocketAddress remote, HttpRequest request, int status, String length, ZonedDateTime time) {
        String host = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "-";
        if (request == null) {
            return host + " - - [" + CLF_TIME.format(time) + "] \"-\" " + status + " " + length + " \"-\" \"-\"";
        }
        return host + " - - [" + CLF_TIME.format(time) + "] \"" + quoted(request.method() + " " + request.uri() + " "
                + request.protocolVersion()) + "\" " + status + " " + length + " \""
                + quoted(request.headers().get(HttpHeaderNames.REFERER, "-")) + "\" \""
                + quoted(request.headers().get(HttpHeaderNames.USER_AGENT, "-")) + "\"";
    }

    /** Escapes what would break the line's quoting or inject lines into the log. */
    private static String quoted(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
