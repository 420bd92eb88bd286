package io.epollhub.http;

import io.epollhub.testing.Fuzz;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mangled requests, seeded so that a failure names its case: valid requests to every route with bytes flipped,
 * inserted (control characters, separators, non-ASCII), deleted, repeated or cut off, written in pieces of random
 * size. Whatever arrives, the server answers with well-formed responses or closes, never lets an exception out
 * of the pipeline, never answers 500, and leaks nothing (the leak detector runs at paranoid).
 */
class HttpFuzzTest {

    /** {@code -Dfuzz.cases=N} for a longer run, {@code -Dfuzz.seed=N} to rerun one case. */
    private static final Fuzz.Seeds SEEDS = Fuzz.Seeds.of(3000);
    private static final List<String> REQUESTS = List.of(
            "GET / HTTP/1.1\r\nHost: t\r\n\r\n",
            "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /user-agent HTTP/1.1\r\nHost: t\r\nUser-Agent: curl/8.0\r\n\r\n",
            "GET /echo/hello%20world?q=1 HTTP/1.1\r\nHost: t\r\n\r\n",
            "PUT /files/a.txt HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
            "PUT /files/b.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "POST /files/ HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nIf-None-Match: *\r\n\r\nhi",
            "GET /files/a.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\nIf-None-Match: \"x\"\r\n\r\n",
            "GET /files/ HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n",
            "DELETE /files/a.txt HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /static/hello.txt HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "GET /metrics HTTP/1.0\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /sleep?ms=0 HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /echo/%41%zz HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n");
    private static final byte[] SPICE = " \t\r\n:;,/?%#\"\\\u0000\u007f".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) [^\r\n]*\r\n");

    @TempDir
    Path root;
    HttpSettings settings;

    @BeforeEach
    void directories() throws Exception {
        Path staticDir = Files.createDirectories(root.resolve("public"));
        Files.writeString(staticDir.resolve("hello.txt"), "static hello\n");
        settings = HttpSettings.basic(Runnable::run)
                .withDirectories(staticDir, Files.createDirectories(root.resolve("files")))
                .withLimits(4096, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    @Test
    void mangledRequestsGetWellFormedAnswersOrAClose() {
        HttpServerInitializer server = new HttpServerInitializer(
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), settings);
        int answered = 0;
        int refused = 0;
        for (int seed = SEEDS.first(); seed <= SEEDS.last(); seed++) {
            Random random = new Random(seed);
            byte[] input = mangle(random);
            String what = "case " + seed + ": " + printable(input);
            try (HttpHarness http = new HttpHarness(server)) {
                Fuzz.feed(http.channel, input, random, 64, what);
                String out = http.readAll();
                for (int status : statuses(out, what)) {
                    assertTrue(status != 500, "500 for " + what + "\n" + out);
                    if (status < 400) {
                        answered++;
                    } else {
                        refused++;
                    }
                }
            }
        }
        // The mangling must leave some requests whole and break others, or it tests only one of the two paths.
        if (SEEDS.all()) {
            assertTrue(answered > SEEDS.count() / 10, answered + " answered");
            assertTrue(refused > SEEDS.count() / 10, refused + " refused");
        }
    }

    @Test
    void theSameSeedManglesTheSameWay() {
        assertEquals(printable(mangle(new Random(7))), printable(mangle(new Random(7))));
    }

    /** One to four requests, pipelined, each mangled by zero to three edits. */
    private static byte[] mangle(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int requests = 1 + random.nextInt(4);
        for (int r = 0; r < requests; r++) {
            byte[] request = REQUESTS.get(random.nextInt(REQUESTS.size())).getBytes(StandardCharsets.ISO_8859_1);
            for (int edits = random.nextInt(4); edits > 0 && request.length > 1; edits--) {
                request = edit(random, request);
            }
            out.writeBytes(request);
        }
        return out.toByteArray();
    }

    private static byte[] edit(Random random, byte[] in) {
        int at = random.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(5)) {
            case 0 -> { // flip bits
                byte[] copy = in.clone();
                copy[at] ^= (byte) (1 << random.nextInt(8));
                return copy;
            }
            case 1 -> { // insert a separator, a control character or a byte above 127
                out.write(in, 0, at);
                out.write(random.nextBoolean() ? SPICE[random.nextInt(SPICE.length)] : 0x80 + random.nextInt(128));
                out.write(in, at, in.length - at);
            }
            case 2 -> { // delete a span
                int length = 1 + random.nextInt(Math.min(8, in.length - at));
                out.write(in, 0, at);
                out.write(in, at + length, in.length - at - length);
            }
            case 3 -> { // repeat a span, up to a few KiB
                int length = 1 + random.nextInt(Math.min(16, in.length - at));
                out.write(in, 0, at + length);
                for (int times = random.nextInt(300); times > 0; times--) {
                    out.write(in, at, length);
                }
                out.write(in, at + length, in.length - at - length);
            }
            default -> out.write(in, 0, at); // cut off
        }
        return out.toByteArray();
    }

    /** The status of every response in {@code out}, which must be a run of well-formed responses (or nothing). */
    private static List<Integer> statuses(String out, String what) {
        List<Integer> statuses = new ArrayList<>();
        Matcher m = STATUS_LINE.matcher(out);
        int at = 0;
        while (at < out.length()) {
            if (!m.find(at) || m.start() != at) {
                fail("not a response at offset " + at + " for " + what + "\n" + out);
            }
            int headEnd = out.indexOf("\r\n\r\n", at);
            assertTrue(headEnd > 0, "a response head without its end, " + what + "\n" + out);
            statuses.add(Integer.parseInt(m.group(1)));
            at = headEnd + 4 + bodyLength(out.substring(at, headEnd + 2), out, headEnd + 4, what);
        }
        return statuses;
    }

    /** The length of the body that starts at {@code from}: by Content-Length, chunked, or none. */
    private static int bodyLength(String head, String out, int from, String what) {
        String lower = head.toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("\r\ncontent-length: (\\d+)\r\n").matcher(lower);
        if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            int end = out.indexOf("\r\n0\r\n\r\n", from);
            if (out.startsWith("0\r\n\r\n", from)) {
                return 5;
            }
            assertTrue(end >= 0, "a chunked body without its last chunk, " + what + "\n" + out);
            return end + 7 - from;
        }
        if (!length.find()) {
            return 0; // 1xx, 204, 304
        }
        int n = Integer.parseInt(length.group(1));
        int remaining = out.length() - from;
        if (remaining == 0 || STATUS_LINE.matcher(out).region(from, out.length()).lookingAt()) {
            return 0; // a HEAD answer: the length of a body it does not send
        }
        assertTrue(n <= remaining, "a body cut short, " + what + "\n" + out);
        return n;
    }

    private static String printable(byte[] input) {
        StringBuilder s = new StringBuilder();
        for (byte b : input) {
            int c = b & 0xff;
            s.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
