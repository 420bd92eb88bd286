package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Answers HTTP requests. Responses are written as each request is read and flushed once per read batch
 * ({@link #channelReadComplete}), so sixteen pipelined requests cost one {@code writev}, not sixteen.
 * Request bodies are not used by any route and are dropped as they arrive.
 */
public final class HttpServerHandler extends SimpleChannelInboundHandler<HttpObject> {

    private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);

    static final AsciiString TEXT_PLAIN_UTF8 = AsciiString.cached("text/plain; charset=utf-8");
    static final AsciiString ALLOW_ROOT = AsciiString.cached("GET, HEAD");

    /** Shared by every response; never released, so each response sends a duplicate. */
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(13).writeBytes("Hello, World!".getBytes(CharsetUtil.US_ASCII)).asReadOnly());

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            badRequest(ctx, msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            respond(ctx, request, route(request));
        }
    }

    private static FullHttpResponse route(HttpRequest request) {
        String path = pathOf(request.uri());
        if (!"/".equals(path)) {
            return text(request.protocolVersion(), HttpResponseStatus.NOT_FOUND, "Not Found\n");
        }
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
            return response(request.protocolVersion(), HttpResponseStatus.OK, HELLO.duplicate());
        }
        FullHttpResponse notAllowed = text(request.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                "Method Not Allowed\n");
        notAllowed.headers().set(HttpHeaderNames.ALLOW, ALLOW_ROOT);
        return notAllowed;
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

    private static void respond(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        // HTTP/1.0 clients only keep the connection when the response says so.
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        if (request.method().equals(HttpMethod.HEAD)) {
            // Keep the Content-Length a GET would get (RFC 9110 section 9.3.2), send no body.
            response.content().clear();
        }
        ctx.write(response, ctx.voidPromise());
    }

    private static void badRequest(ChannelHandlerContext ctx, HttpObject msg) {
        Throwable cause = msg.decoderResult().cause();
        log.debug("{} malformed request: {}", ctx.channel().remoteAddress(), cause.toString());
        FullHttpResponse response = text(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, "Bad Request\n");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    static FullHttpResponse text(HttpVersion version, HttpResponseStatus status, String body) {
        return response(version, status, Unpooled.copiedBuffer(body, CharsetUtil.UTF_8));
    }

    private static FullHttpResponse response(HttpVersion version, HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN_UTF8);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        headers.set(HttpHeaderNames.DATE, HttpDate.now());
        return response;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == DrainEvent.INSTANCE) {
            // Every response is written in the read that carried its request, so between reads nothing
            // is owed: close once what was written has reached the socket.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("{} unexpected error, closing", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
