package io.epollhub.http;

/** One {@code Range: bytes=} range (RFC 9110 section 14.1.2), resolved against a representation's size. */
record ByteRange(long first, long last) {

    /** A range header no byte of the file satisfies: 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    private static final String UNIT = "bytes=";

    long length() {
        return last - first + 1;
    }

    /**
     * The single range asked for, {@link #UNSATISFIABLE}, or {@code null} to send the whole file: no header, a
     * header that is not a valid byte range (ignored, section 14.2: {@code bytes=+2-3}, {@code bytes=5-2}), another
     * unit, or several ranges (which it serves whole rather than as multipart). The unit is case-insensitive;
     * positions past the end, however large, mean the end.
     */
    static ByteRange parse(String header, long size) {
        if (header == null || !header.regionMatches(true, 0, UNIT, 0, UNIT.length()) || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring(UNIT.length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        long to = digits(spec.substring(dash + 1));
        if (dash == 0) { // suffix: the last N bytes
            if (to < 0) {
                return null;
            }
            return to == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - to), size - 1);
        }
        long first = digits(spec.substring(0, dash));
        long last = dash == spec.length() - 1 ? Long.MAX_VALUE : to;
        if (first < 0 || last < first) {
            return null; // invalid: ignored (a negative last is not digits)
        }
        return first >= size ? UNSATISFIABLE : new ByteRange(first, Math.min(last, size - 1));
    }

    /** The value of {@code text} as 1*DIGIT, {@link Long#MAX_VALUE} when larger than that; -1 when it is not 1*DIGIT. */
    private static long digits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        }
        return value;
    }
}
