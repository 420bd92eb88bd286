package io.epollhub.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Answers {@code Expect: 100-continue}: 100 when the announced body fits {@code --max-body}, otherwise 413
 * before the client sends a byte of it (and the connection closes, since the client may send it anyway).
 */
final class BodyLimitHandler extends HttpServerExpectContinueHandler {

    private final long maxBody;

    BodyLimitHandler(long maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    protected HttpResponse acceptMessage(HttpRequest request) {
        return HttpUtil.getContentLength(request, 0L) > maxBody ? null : super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        FullHttpResponse response = Responses.text(request.protocolVersion(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "Request body larger than " + maxBody + " bytes\n");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
