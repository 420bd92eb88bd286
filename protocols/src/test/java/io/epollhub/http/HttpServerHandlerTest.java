package io.epollhub.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServerHandlerTest {

    private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private HttpHarness http;
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        http = new HttpHarness(HttpSettings.basic(Runnable::run), connections);
        channel = http.channel;
    }

    @AfterEach
    void close() {
        assertFalse(channel.finishAndReleaseAll(), "unread messages left in the channel");
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("GET / HTTP/1.1", 200, "Hello, World!"),
                Arguments.of("GET /?name=x HTTP/1.1", 200, "Hello, World!"),
                Arguments.of("GET http://localhost:8080/ HTTP/1.1", 200, "Hello, World!"),
                Arguments.of("HEAD / HTTP/1.1", 200, ""),
                Arguments.of("GET /missing HTTP/1.1", 404, "Not Found\n"),
                Arguments.of("GET /index.html HTTP/1.1", 404, "Not Found\n"),
                Arguments.of("POST / HTTP/1.1", 405, "Method Not Allowed\n"),
                Arguments.of("DELETE / HTTP/1.1", 405, "Method Not Allowed\n"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("routes")
    void routes(String requestLine, int status, String body) {
        Response response = exchange(requestLine + "\r\nHost: test\r\n\r\n");
        assertEquals(status, response.status());
        assertEquals(body, response.body());
        assertEquals("text/plain; charset=utf-8", response.header("content-type"));
        assertTrue(response.header("date").endsWith(" GMT"), response.header("date"));
        assertTrue(channel.isOpen(), "keep-alive connection was closed");
    }

    /** Answers the client has not taken past the write buffer's high mark stop the reading until they drain. */
    @Test
    void readingWaitsWhileTheAnswersAreNotTaken() {
        writable(false); // as when the high mark is passed
        assertFalse(channel.isWritable());
        assertFalse(channel.config().isAutoRead(), "reading paused while the answers wait");
        writable(true);
        assertTrue(channel.config().isAutoRead(), "reading resumes once they drain");

        // Both a slow answer's queue and the write buffer hold the reading: it resumes only when neither does.
        http.send("GET /sleep?ms=5 HTTP/1.1\r\nHost: t\r\n\r\n" + "GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(20));
        assertFalse(channel.config().isAutoRead(), "paused for the queue behind the sleep");
        writable(false);
        channel.advanceTimeBy(10, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead(), "the queue is empty, but the answers are not taken");
        writable(true);
        assertTrue(channel.config().isAutoRead());
        assertEquals(21, Response.parseAll(http.readAll(), false).size());
    }

    /** Netty's writability as the write buffer's marks set it; the change is told to the pipeline as a task. */
    private void writable(boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
    }

    @Test
    void headKeepsTheContentLengthOfGet() {
        assertEquals("13", exchange("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n").header("content-length"));
        assertEquals("13", exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").header("content-length"));
    }

    @Test
    void wholeRequestObjectsAreHandledLikeDecodedOnes() {
        // What a handler in front (an aggregator, say) would pass on: head, body and end as one object.
        FullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/echo/one");
        whole.headers().set(HttpHeaderNames.HOST, "t");
        channel.writeInbound(whole);
        channel.runPendingTasks();
        Response first = Response.parse(http.readAll());
        assertEquals("HTTP/1.1 200 OK", first.statusLine());
        assertEquals("one", first.body());
        assertEquals("two", exchange("GET /echo/two HTTP/1.1\r\nHost: t\r\n\r\n").body(), "the connection moved on");


        // The body counts against the limit as a decoded one would: the route refused the method at once, then
        // the body runs past 4 bytes and the connection closes.
        try (HttpHarness small = new HttpHarness(HttpSettings.basic(Runnable::run)
                .withLimits(4, Duration.ofSeconds(10), Duration.ofSeconds(60)))) {
            FullHttpRequest large = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo/x",
                    Unpooled.copiedBuffer(new byte[5]));
            large.headers().set(HttpHeaderNames.HOST, "t");
            small.channel.writeInbound(large);
            small.channel.runPendingTasks();
            assertEquals("HTTP/1.1 405 Method Not Allowed", Response.parse(small.readAll()).statusLine());
            assertEquals(0, large.refCnt(), "the body was released");
            assertFalse(small.channel.isActive());
        }
    }

    @Test
    void preEncodedHelloIsWhatTheEncoderWrites() {
        http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"); // written pre-encoded
        String get = http.readAll().replaceAll("date: [^\r]*", "date: D");
        http.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"); // built and encoded as a response object
        String head = http.readAll().replaceAll("date: [^\r]*", "date: D");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n") && head.contains("content-length: 13\r\n"), head);
        assertEquals(head + "Hello, World!", get);
    }

    @Test
    void preEncodedClosingHelloIsWhatTheEncoderWrites() {
        http.send("HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        String head = http.readAll().replaceAll("date: [^\r]*", "date: D");
        try (HttpHarness second = new HttpHarness(HttpSettings.basic(Runnable::run))) {
            second.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            String get = second.readAll().replaceAll("date: [^\r]*", "date: D");
            assertTrue(head.contains("connection: close\r\n"), head);
            assertEquals(head + "Hello, World!", get);
            assertFalse(second.channel.isOpen());
        }
    }

    @Test
    void notAllowedNamesTheAllowedMethods() {
        assertEquals("GET, HEAD, OPTIONS", exchange("PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n").header("allow"));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderInOneFlush() {
        http.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n");
        String out = http.readAll();
        int first = out.indexOf("404 Not Found");
        int second = out.indexOf("200 OK");
        int third = out.indexOf("404 Not Found", second);
        assertTrue(first >= 0 && first < second && second < third, out);
    }

    @Test
    void pipelinedHellosAreWrittenAsOneBuffer() {
        http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(3));
        ByteBuf written = channel.readOutbound();
        try {
            assertNull(channel.readOutbound(), "one write for the batch");
            String out = written.toString(CharsetUtil.ISO_8859_1);
            assertEquals(3, out.split("HTTP/1.1 200 OK\r\n", -1).length - 1, out);
            assertTrue(out.endsWith("\r\n\r\nHello, World!"), out);
        } finally {
            written.release();
        }
        http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("Hello, World!", Response.parse(http.readAll()).body(), "the next batch starts afresh");
    }

    @Test
    void pipelinedHellosKeepTheirPlaceAmongOtherAnswers() {
        http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\nGET /missing HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        String statuses = Pattern.compile("HTTP/1.1 (\\d+)").matcher(http.readAll()).results()
                .map(m -> m.group(1)).collect(Collectors.joining(" "));
        assertEquals("200 200 404 200 200", statuses);
        assertFalse(channel.isOpen(), "closed after the answer to Connection: close");
    }

    @Test
    void pipelinedHellosAreWrittenBeforeAMalformedRequestsAnswer() {
        http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nBad Header Line\r\n\r\n");
        String out = http.readAll();
        int hellos = out.split("Hello, World!", -1).length - 1;
        assertEquals(2, hellos, out);
        assertTrue(out.lastIndexOf("Hello, World!") < out.indexOf("HTTP/1.1 400 Bad Request"), out);
        assertFalse(channel.isOpen());
    }

    @Test
    void everyPipelinedAnswerIsCountedBeforeALaterScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpSettings basic = HttpSettings.basic(Runnable::run);
        HttpSettings settings = new HttpSettings(null, null, basic.maxBody(), basic.headerTimeout(),
                basic.idleTimeout(), Runnable::run, registry, registry::scrape, () -> true);
        try (HttpHarness metered = new HttpHarness(settings)) {
            metered.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(3) + "GET /missing HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(2) + "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
            String out = metered.readAll();
            String scraped = out.substring(out.lastIndexOf("\r\n\r\n"));
            assertTrue(scraped.contains("epollhub_http_requests_seconds_count{route=\"/\",status=\"200\"} 5\n"), scraped);
            assertTrue(scraped.contains("epollhub_http_requests_seconds_count{route=\"other\",status=\"404\"} 1\n"),
                    scraped);
            metered.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertTrue(registry.scrape().contains("epollhub_http_requests_seconds_count{route=\"/\",status=\"200\"} 6\n"));
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveAsked() {
        Response closed = exchange("GET / HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.0 200 OK", closed.statusLine());
        assertFalse(channel.isOpen(), "HTTP/1.0 without keep-alive must close");
    }

    @ParameterizedTest
    @CsvSource({"/, 200", "/missing, 404", "/sleep?ms=x, 400"})
    void http10KeepAliveStaysOpenAndSaysSo(String path, int status) {
        Response kept = exchange("GET " + path + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals("HTTP/1.0 " + status, kept.statusLine().substring(0, 12));
        assertEquals("keep-alive", kept.header("connection"), "a 1.0 client reads to the end without it");
        assertTrue(channel.isOpen());
    }

    @Test
    void connectionCloseIsHonoured() {
        Response response = exchange("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status());
        assertEquals("close", response.header("connection"));
        assertFalse(channel.isOpen());
    }

    @Test
    void nothingIsAnsweredAfterAConnectionCloseResponse() {
        http.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /missing HTTP/1.1\r\nHost: t\r\n\r\n");
        String out = http.readAll();
        assertTrue(out.contains("200 OK"), out);
        assertFalse(out.contains("404"), "a request pipelined after Connection: close was answered: " + out);
        assertFalse(channel.isOpen());
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedRequestsGet400AndClose(String request) {
        Response response = exchange(request);
        assertEquals(400, response.status());
        assertEquals("close", response.header("connection"));
        assertFalse(channel.isOpen());
    }

    static Stream<String> malformed() {
        return Stream.of(
                "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: nope\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                "GET / HTTP/1.1\r\nHost: t\r\nBad Header Line\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                // RFC 9112 section 3.2: HTTP/1.1 needs exactly one Host, and a valid one
                "GET / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1\r\nHost: example.com:8080", "HTTP/1.1\r\nHost: [::1]:8080",
            "HTTP/1.1\r\nHost: 127.0.0.1", "HTTP/1.1\r\nHost: a%2Db", "HTTP/1.1\r\nHost:", "HTTP/1.0"})
    void hostFieldsRfc9112AcceptsAreServed(String versionAndHost) {
        assertEquals(200, exchange("GET / " + versionAndHost + "\r\nConnection: keep-alive\r\n\r\n").status());
    }

    @Test
    void aMalformedBodyAfterAnAnsweredHeadClosesTheConnection() {
        http.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        String out = http.readAll();
        assertTrue(out.startsWith("HTTP/1.1 404 Not Found\r\n"), out);
        assertFalse(out.contains("400"), "one answer per request: " + out);
        assertFalse(channel.isOpen());
    }

    @Test
    void drainClosesAnIdleConnection() {
        channel.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        channel.runPendingTasks();
        assertEquals("", http.readAll());
        assertFalse(channel.isOpen());
    }

    @Test
    void halfClosedClientGetsItsPipelinedAnswersThenTheClose() {
        // The first is answered later, on the loop's timer: the half-close comes while it is owed.
        http.send("GET /sleep?ms=50 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(channel.isOpen(), "answers are owed");
        channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        List<Response> answers = Response.parseAll(http.readAll(), false);
        assertEquals(2, answers.size());
        assertEquals("slept 50 ms", answers.get(0).body());
        assertEquals("keep-alive", answers.get(0).headers().getOrDefault("connection", "keep-alive"));
        assertEquals("Hello, World!", answers.get(1).body());
        assertEquals("close", answers.get(1).header("connection"));
        assertFalse(channel.isOpen());
    }

    /**
     * Requests pipelined behind a slow answer wait as the bytes they came as, not as decoded objects (some 400
     * bytes each), and are all answered, in order, once it is sent.
     */
    @Test
    void requestsBehindASlowAnswerWaitAsBytes() {
        String hello = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
        http.send("GET /sleep?ms=50 HTTP/1.1\r\nHost: t\r\n\r\n" + hello.repeat(100));
        StrictRequestDecoder decoder = channel.pipeline().get(StrictRequestDecoder.class);
        assertEquals(99 * hello.length(), decoder.undecodedBytes(), "all but the first behind the sleep held");
        assertFalse(channel.config().isAutoRead());
        channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        List<Response> answers = Response.parseAll(http.readAll(), false);
        assertEquals(101, answers.size());
        assertEquals("slept 50 ms", answers.get(0).body());
        assertTrue(answers.subList(1, 101).stream().allMatch(a -> a.body().equals("Hello, World!")));
        assertEquals(0, decoder.undecodedBytes());
        assertTrue(channel.config().isAutoRead(), "reading resumes");
        assertEquals(200, exchange(hello).status(), "and the connection serves on");
    }

    @Test
    void heldRequestsAreAnsweredWhenTheClientHalfCloses() {
        http.send("GET /sleep?ms=50 HTTP/1.1\r\nHost: t\r\n\r\n" + "GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(3));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        List<Response> answers = Response.parseAll(http.readAll(), false);
        assertEquals(4, answers.size(), "every request sent whole is answered");
        assertEquals("close", answers.get(3).header("connection"));
        assertFalse(channel.isOpen());
    }

    @Test
    void halfCloseOfAnIdleConnectionCloses() {
        assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status());
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();
        assertEquals("", http.readAll());
        assertFalse(channel.isOpen());
    }

    @Test
    void halfCloseInsideABodyClosesWithoutAnAnswer() {
        http.send("PUT /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhalf");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();
        // The route answered 404 at the head; the body it never got is not waited for.
        assertEquals(404, Response.parse(http.readAll()).status());
        assertFalse(channel.isOpen());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / http/1.1", "GET /a\u0001b HTTP/1.1", "GET /a\u007fb HTTP/1.1", "GET /\u00e9 HTTP/1.1",
            "GET / Http/1.0"})
    void requestLinesOutsideRfc9112Get400AndClose(String requestLine) {
        channel.writeInbound(Unpooled.copiedBuffer(requestLine + "\r\nHost: t\r\n\r\n", CharsetUtil.ISO_8859_1));
        Response response = Response.parse(http.readAll());
        assertEquals(400, response.status());
        assertFalse(channel.isOpen());
    }

    @Test
    void anExpectationOtherThan100ContinueGets417AndTheConnectionGoesOn() {
        Response failed = http.exchange("PUT /files/a HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals(417, failed.status());
        assertEquals("Only Expect: 100-continue is understood\n", failed.body());
        assertEquals(200, http.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status(), "the body was skipped");
    }

    @Test
    void aLaterMinorVersionIsAnsweredAsHttp11() {
        Response response = http.exchange("GET / HTTP/1.2\r\nHost: t\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", response.statusLine());
        assertTrue(channel.isOpen());
    }

    @Test
    void connectionsAreTracked() {
        assertEquals(1, connections.size());
        channel.close();
        assertEquals(0, connections.size());
    }

    @Test
    void pathOfStripsQueryAndScheme() {
        assertEquals("/", Router.pathOf("/"));
        assertEquals("/a/b", Router.pathOf("/a/b?c=d#e"));
        assertEquals("/x", Router.pathOf("http://h:1/x?y"));
        assertEquals("/", Router.pathOf("http://h:1"));
        assertEquals("*", Router.pathOf("*"));
    }

    private Response exchange(String request) {
        return http.exchange(request);
    }
}
