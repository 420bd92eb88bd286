package io.epollhub.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;

import java.util.Date;

/**
 * The value of the {@code Date} header (RFC 9110 section 6.6.1), formatted once per second rather than
 * once per response: under load that is millions of formatter calls saved.
 */
final class HttpDate {

    private static volatile Stamp current = new Stamp(-1, AsciiString.EMPTY_STRING);

    private HttpDate() {
    }

    static AsciiString now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp stamp = current;
        if (stamp.second != second) {
            stamp = new Stamp(second, AsciiString.cached(DateFormatter.format(new Date(second * 1000))));
            current = stamp;
        }
        return stamp.value;
    }

    private record Stamp(long second, AsciiString value) {
    }
}
