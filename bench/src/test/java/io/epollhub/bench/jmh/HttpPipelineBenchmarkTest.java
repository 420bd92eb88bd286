package io.epollhub.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each benchmark measures is a served hello, not an error path: the answers as wrk would get them. */
class HttpPipelineBenchmarkTest {

    private static final Pattern HELLO = Pattern.compile("HTTP/1\\.1 200 OK\r\n(?:[^\r\n]+\r\n)+\r\nHello, World!");

    private final HttpPipelineBenchmark benchmark = new HttpPipelineBenchmark();

    @BeforeEach
    void setUp() {
        benchmark.setUp();
    }

    @AfterEach
    void tearDown() {
        benchmark.tearDown();
    }

    private static String answer(ToLongFunction<ByteBuf> exchange) {
        ByteBuf sink = Unpooled.buffer();
        try {
            long bytes = exchange.applyAsLong(sink);
            assertEquals(sink.readableBytes(), bytes, "counted bytes");
            return sink.toString(CharsetUtil.US_ASCII);
        } finally {
            sink.release();
        }
    }

    private static int hellos(String answer) {
        Matcher m = HELLO.matcher(answer);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void keepAliveAnswersOneHelloAndKeepsTheConnection() {
        for (int i = 0; i < 3; i++) {
            String answer = answer(benchmark::keepAlive);
            assertEquals(1, hellos(answer), answer);
            assertFalse(answer.toLowerCase().contains("connection: close"), answer);
        }
    }

    @Test
    void pipelinedAnswersEveryRequestOfTheBatch() {
        String answer = answer(benchmark::pipelined);
        assertEquals(HttpPipelineBenchmark.DEPTH, hellos(answer), answer);
    }

    @Test
    void connectionPerRequestAnswersAndCloses() {
        for (int i = 0; i < 3; i++) {
            String answer = answer(benchmark::connect);
            assertEquals(1, hellos(answer), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        }
    }

    @Test
    void theBenchmarkMethodsCountTheSameBytes() {
        long one = benchmark.keepAlive();
        assertTrue(one > 0);
        assertEquals(HttpPipelineBenchmark.DEPTH * one, benchmark.pipelined());
        assertTrue(benchmark.connectionPerRequest() > one);
    }
}
