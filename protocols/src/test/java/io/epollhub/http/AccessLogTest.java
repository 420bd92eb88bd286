package io.epollhub.http;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessLogTest {

    private static final ZonedDateTime TIME = ZonedDateTime.parse("2026-11-22T16:47:49+01:00");

    @Test
    void combinedLogFormat() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/echo/hi");
        request.headers().set("Referer", "http://ref/").set("User-Agent", "curl/8.0");
        FullHttpResponse response = Responses.text(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, "hi");
        try {
            assertEquals("10.0.0.7 - - [22/Nov/2026:16:47:49 +0100] \"GET /echo/hi HTTP/1.1\" 200 2 \"http://ref/\" \"curl/8.0\"",
                    AccessLog.line(new InetSocketAddress("10.0.0.7", 40000), request, response, TIME));
        } finally {
            request.release();
            response.release();
        }
    }

    @Test
    void headAndNotModifiedSendNoBody() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.HEAD, HttpMethod.GET}) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/static/a.txt");
            FullHttpResponse response = Responses.empty(HttpVersion.HTTP_1_1,
                    method == HttpMethod.HEAD ? HttpResponseStatus.OK : HttpResponseStatus.NOT_MODIFIED);
            response.headers().set("Content-Length", 18);
            try {
                assertEquals("- - - [22/Nov/2026:16:47:49 +0100] \"" + method + " /static/a.txt HTTP/1.1\" "
                                + response.status().code() + " - \"-\" \"-\"",
                        AccessLog.line(null, request, response, TIME));
            } finally {
                request.release();
                response.release();
            }
        }
    }

    @Test
    void aRequestTheDecoderCouldNotReadIsLoggedAsDash() {
        FullHttpResponse response = Responses.status(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_URI_TOO_LONG);
        try {
            assertEquals("10.0.0.7 - - [22/Nov/2026:16:47:49 +0100] \"-\" 414 21 \"-\" \"-\"",
                    AccessLog.line(new InetSocketAddress("10.0.0.7", 40000), null, response, TIME));
        } finally {
            response.release();
        }
    }

    @Test
    void quotesAndControlsCannotForgeLines() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
                io.netty.buffer.Unpooled.buffer(0), false); // unvalidated, as a lenient decoder might pass it
        request.headers().set("User-Agent", "evil\" \\ agent\u001b[2J");
        FullHttpResponse response = Responses.empty(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        try {
            assertEquals("- - - [22/Nov/2026:16:47:49 +0100] \"GET / HTTP/1.1\" 204 - \"-\" \"evil\\\" \\\\ agent\\x1b[2J\"",
                    AccessLog.line(null, request, response, TIME));
        } finally {
            request.release();
            response.release();
        }
    }
}
