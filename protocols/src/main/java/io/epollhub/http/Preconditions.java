package io.epollhub.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Date;

/**
 * The conditional request fields ({@code If-Match}, {@code If-Unmodified-Since}, {@code If-None-Match},
 * {@code If-Modified-Since}) evaluated against the current version of a file, in the order of RFC 9110
 * section 13.2.2. Callers apply them only where the answer without them would be 2xx (section 13.2.1): a GET of
 * a missing file stays 404 whatever its preconditions say.
 */
final class Preconditions {

    private Preconditions() {
    }

    /**
     * {@code null} when the request may go on; otherwise 304 (a GET or HEAD the client's copy already answers) or
     * 412 (a precondition is false).
     *
     * @param current the file as it is now, {@code null} if there is none (a PUT that would create it)
     */
    static HttpResponseStatus evaluate(HttpRequest request, FileVersion current) {
        HttpHeaders headers = request.headers();
        boolean read = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
        String ifMatch = headers.get(HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, current, false)) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
        } else if (current != null) {
            Date since = date(headers, HttpHeaderNames.IF_UNMODIFIED_SINCE);
            if (since != null && current.modifiedMillis() > since.getTime()) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, current, true)) {
                return read ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.PRECONDITION_FAILED;
            }
        } else if (read && current != null) {
            Date since = date(headers, HttpHeaderNames.IF_MODIFIED_SINCE);
            if (since != null && current.modifiedMillis() <= since.getTime()) {
                return HttpResponseStatus.NOT_MODIFIED;
            }
        }
        return null;
    }

    /**
     * Answers {@code reply} with 304 or 412 when {@code current}'s preconditions say so, and says whether it did. A 304
     * carries the validators and the length a 200 would (RFC 9110 section 15.4.5).
     */
    static boolean answered(Reply reply, FileVersion current) {
        HttpResponseStatus status = evaluate(reply.request, current);
        if (status == null) {
            return false;
        }
        if (status == HttpResponseStatus.NOT_MODIFIED) {
            FullHttpResponse response = Responses.empty(reply.request.protocolVersion(), status);
            current.addTo(response.headers());
            // What a 200 would carry (RFC 9110 section 8.6): keeps the connection's message framing plain.
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, current.size());
            reply.send(response);
        } else {
            reply.send(Responses.status(reply.request.protocolVersion(), status));
        }
        return true;
    }

    /**
     * Whether an {@code If-Match} ({@code weak} false: strong comparison) or {@code If-None-Match} ({@code weak} true)
     * field names {@code current}; {@code *} names any file that exists (sections 13.1.1, 13.1.2).
     */
    private static boolean matches(String field, FileVersion current, boolean weak) {
        if (current == null) {
            return false;
        }
        for (String candidate : field.split(",")) { // the tags this server makes hold no commas
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(current.etag()) || weak && tag.equals("W/" + current.etag())) {
                return true;
            }
        }
        return false;
    }

    /** The field's HTTP date, or {@code null} when absent or not a date (then it is ignored, sections 13.1.3, 13.1.4). */
    private static Date date(HttpHeaders headers, CharSequence name) {
        String value = headers.get(name);
        return value == null ? null : httpDate(value);
    }

    /**
     * The HTTP date in {@code value}, or {@code null} when it holds none. Netty's parser returns {@code null} for
     * what is not a date but throws for anything over 64 characters, which no date is.
     */
    static Date httpDate(String value) {
        return value.length() > 64 ? null : DateFormatter.parseHttpDate(value);
    }
}
