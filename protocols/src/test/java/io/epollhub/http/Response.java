package io.epollhub.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One raw HTTP/1.x response, parsed just enough for assertions. */
record Response(String statusLine, Map<String, String> headers, String body) {

    /** Every response in {@code raw}, in order, bodies taken by Content-Length (none for HEAD, 204, 304). */
    static java.util.List<Response> parseAll(String raw, boolean head) {
        java.util.List<Response> all = new java.util.ArrayList<>();
        while (!raw.isEmpty()) {
            Response first = parse(raw);
            int bodyStart = raw.indexOf("\r\n\r\n") + 4;
            int length = head || first.status() == 204 || first.status() == 304 ? 0
                    : Integer.parseInt(first.headers().getOrDefault("content-length", "0"));
            all.add(new Response(first.statusLine(), first.headers(), raw.substring(bodyStart, bodyStart + length)));
            raw = raw.substring(bodyStart + length);
        }
        return all;
    }

    static Response parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete response in: " + raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Response(lines[0], headers, raw.substring(end + 4));
    }

    int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    String header(String name) {
        String value = headers.get(name);
        if (value == null) {
            throw new AssertionError("no " + name + " header in " + headers);
        }
        return value;
    }
}
