package io.epollhub.http;

/** One {@code Range: bytes=} range (RFC 9110 section 14.1.2), resolved against a representation's size. */
record ByteRange(long first, long last) {

    /** A range header no byte of the file satisfies: 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return last - first + 1;
    }

    /**
     * The single range asked for, {@link #UNSATISFIABLE}, or {@code null} to send the whole file: no header,
     * a header this server does not understand, or several ranges (which it serves whole rather than as
     * multipart).
     */
    static ByteRange parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String from = spec.substring(0, dash).trim();
            String to = spec.substring(dash + 1).trim();
            if (from.isEmpty()) { // suffix: the last N bytes
                long n = Long.parseLong(to);
                if (n <= 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(Math.max(0, size - n), size - 1);
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            if (first < 0 || (!to.isEmpty() && Long.parseLong(to) < first)) {
                return null; // syntactically invalid: ignored
            }
            return first >= size ? UNSATISFIABLE : new ByteRange(first, last);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
