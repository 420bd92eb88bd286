package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Maps each request to its route. Shared by every connection: it holds no per-connection state. */
final class Router {

    static final long SLEEP_DEFAULT_MS = 5_000;
    static final long SLEEP_MAX_MS = 60_000;
    private static final String GET_HEAD = "GET, HEAD, OPTIONS";
    /** Every method some route takes; {@code OPTIONS *} lists them. */
    private static final List<HttpMethod> KNOWN_METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
    static final String ALLOW_ANY = KNOWN_METHODS.stream().map(HttpMethod::name).collect(Collectors.joining(", "));

    private static final PreEncodedResponse HELLO = new PreEncodedResponse(HttpResponseStatus.OK,
            Responses.TEXT_PLAIN_UTF8, "Hello, World!".getBytes(CharsetUtil.US_ASCII));

    static final AsciiString PROMETHEUS_TEXT = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");

    private final StaticFiles staticFiles;
    private final FileStore files;
    private final Supplier<String> metrics;
    private final BooleanSupplier serving;
    private final Executor blocking;

    Router(HttpSettings settings) {
        this.metrics = settings.metrics();
        this.serving = settings.serving();
        this.blocking = settings.blocking();
        try {
            this.staticFiles = settings.staticDir() == null ? null : new StaticFiles(settings.staticDir(), settings.blocking());
            this.files = settings.filesDir() == null ? null : new FileStore(settings.filesDir(), settings.blocking());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short name of the route a request target goes to, for logs and metrics. */
    static String routeName(String uri) {
        String path = pathOf(uri);
        if (path.equals("/") || path.equals("/user-agent") || path.equals("/sleep") || path.equals("/healthz")
                || path.equals("/metrics")) {
            return path;
        }
        for (String prefix : List.of("/echo/", "/static/", "/files/")) {
            if (path.startsWith(prefix)) {
                return prefix + "*";
            }
        }
        return "other";
    }

    Exchange route(HttpRequest request, Reply reply) {
        String path = pathOf(request.uri());
        if (path.equals("/")) {
            if (getOrHead(request, reply)) {
                reply.send(HELLO);
            }
            return Exchange.DISCARD_BODY;
        }
        if (path.startsWith("/echo/")) {
            if (getOrHead(request, reply)) {
                echo(request, reply, path.substring("/echo/".length()));
            }
            return Exchange.DISCARD_BODY;
        }
        if (path.equals("/user-agent")) {
            if (getOrHead(request, reply)) {
                String agent = request.headers().get(HttpHeaderNames.USER_AGENT);
                reply.send(agent == null
                        ? Responses.text(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST, "No User-Agent header\n")
                        : userAgent(request.protocolVersion(), agent));
            }
            return Exchange.DISCARD_BODY;
        }
        if (path.equals("/sleep")) {
            return getOrHead(request, reply) ? sleep(request, reply) : Exchange.DISCARD_BODY;
        }
        if (path.equals("/healthz")) {
            if (getOrHead(request, reply)) {
                boolean up = serving.getAsBoolean();
                reply.send(Responses.text(request.protocolVersion(),
                        up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, up ? "ok\n" : "shutting down\n"));
            }
            return Exchange.DISCARD_BODY;
        }
        if (path.equals("/metrics") && metrics != null) {
            if (getOrHead(request, reply)) {
                // Off the event loop: a scrape formats every meter, which is no job for a loop serving clients.
                FileStore.run(reply, blocking, () -> reply.send(Responses.full(request.protocolVersion(), HttpResponseStatus.OK,
                        PROMETHEUS_TEXT, Unpooled.copiedBuffer(metrics.get(), CharsetUtil.UTF_8))));
            }
            return Exchange.DISCARD_BODY;
        }
        if (path.startsWith("/static/") && staticFiles != null) {
            return staticFiles.handle(request, reply, path.substring("/static/".length()));
        }
        if (path.startsWith("/files/") && files != null) {
            return files.handle(request, reply, path.substring("/files/".length()));
        }
        if (path.equals("*")) { // asterisk-form, RFC 9112 §3.2.4: the server as a whole, and only for OPTIONS
            if (request.method().equals(HttpMethod.OPTIONS)) {
                notAllowed(reply, ALLOW_ANY);
            } else {
                reply.send(Responses.text(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST,
                        "The request target * is for OPTIONS only\n"));
            }
            return Exchange.DISCARD_BODY;
        }
        reply.send(Responses.status(request.protocolVersion(), HttpResponseStatus.NOT_FOUND));
        return Exchange.DISCARD_BODY;
    }

    private static boolean getOrHead(HttpRequest request, Reply reply) {
        if (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)) {
            return true;
        }
        notAllowed(reply, GET_HEAD);
        return false;
    }

    /**
     * A request whose method its route does not take: {@code OPTIONS} is answered 204 listing the methods that route
     * takes (RFC 9110 §9.3.7), a method some other route takes 405 with the same list, and one no route takes
     * (TRACE, CONNECT, an extension method) 501 (§15.6.2).
     */
    static void notAllowed(Reply reply, String allow) {
        HttpVersion version = reply.request.protocolVersion();
        HttpMethod method = reply.request.method();
        if (!KNOWN_METHODS.contains(method)) {
            reply.send(Responses.status(version, HttpResponseStatus.NOT_IMPLEMENTED));
            return;
        }
        FullHttpResponse response = method.equals(HttpMethod.OPTIONS)
                ? Responses.empty(version, HttpResponseStatus.NO_CONTENT)
                : Responses.status(version, HttpResponseStatus.METHOD_NOT_ALLOWED);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        reply.send(response);
    }

    private static void echo(HttpRequest request, Reply reply, String raw) {
        try {
            reply.send(Responses.text(request.protocolVersion(), HttpResponseStatus.OK, PercentDecoder.decode(raw)));
        } catch (IllegalArgumentException e) {
            reply.send(malformed(request));
        }
    }

    private static FullHttpResponse malformed(HttpRequest request) {
        return Responses.text(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST, "Malformed percent-encoding\n");
    }

    /**
     * The field's bytes as the client sent them: the decoder keeps each byte as one character (ISO-8859-1), so a
     * UTF-8 agent comes back as sent, not encoded twice. Labelled UTF-8 only when it is; other bytes (obs-text,
     * RFC 9110 section 5.5) come back as they are, labelled as bytes.
     */
    private static FullHttpResponse userAgent(HttpVersion version, String agent) {
        ByteBuf body = Unpooled.copiedBuffer(agent, CharsetUtil.ISO_8859_1);
        return Responses.full(version, HttpResponseStatus.OK,
                ByteBufUtil.isText(body, CharsetUtil.UTF_8) ? Responses.TEXT_PLAIN_UTF8 : Responses.OCTET_STREAM, body);
    }

    /** Answers after the delay on the connection's own event loop: a timer, not a blocked thread. */
    private static Exchange sleep(HttpRequest request, Reply reply) {
        List<String> values;
        try {
            values = new QueryStringDecoder(request.uri()).parameters().get("ms");
        } catch (IllegalArgumentException e) { // a bad escape anywhere in the query
            reply.send(malformed(request));
            return Exchange.DISCARD_BODY;
        }
        long ms;
        try {
            ms = values == null ? SLEEP_DEFAULT_MS : Long.parseLong(values.get(0));
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > SLEEP_MAX_MS) {
            reply.send(Responses.text(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST,
                    "ms must be a whole number from 0 to " + SLEEP_MAX_MS + "\n"));
            return Exchange.DISCARD_BODY;
        }
        long slept = ms;
        ScheduledFuture<?> timer = reply.executor().schedule(
                () -> reply.send(Responses.text(request.protocolVersion(), HttpResponseStatus.OK, "slept " + slept + " ms")),
                ms, TimeUnit.MILLISECONDS);
        return new Exchange() {
            @Override
            public void abort() {
                timer.cancel(false);
            }
        };
    }

    /** The path part of a request target: origin-form ({@code /a?b}) or absolute-form ({@code http://h/a}). */
    static String pathOf(String uri) {
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme < 0) {
                return uri;
            }
            start = uri.indexOf('/', scheme + 3);
            if (start < 0) {
                return "/";
            }
        }
        int end = uri.length();
        for (int i = start; i < end; i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return start == 0 && end == uri.length() ? uri : uri.substring(start, end);
    }
}
