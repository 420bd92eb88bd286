package io.epollhub.bench.jmh;

import io.epollhub.http.HttpServerInitializer;
import io.epollhub.http.HttpSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The Java work of one {@code GET /} through epollhub's own HTTP pipeline (strict decoder, encoder, connection
 * handler, router, metrics), on an {@link EmbeddedChannel}: what a request costs in user space apart from the
 * socket, in the three shapes {@code bench/http.sh} sends with wrk. The wrk runs show where the rest goes (the
 * kernel's send and receive); this shows how much of a request is epollhub's to make cheaper.
 *
 * <p>Each result is per request. The connection-per-request figure covers building and tearing down the
 * pipeline on an {@code EmbeddedChannel}, not the epoll channel's own setup and system calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-Dio.netty.leakDetection.level=disabled"})
public class HttpPipelineBenchmark {

    /** What wrk sends. */
    static final String REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    static final String CLOSE_REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n";
    /** Requests per read batch when pipelining, as {@code bench/lua/pipeline.lua}. */
    static final int DEPTH = 16;

    private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private HttpServerInitializer initializer;
    private EmbeddedChannel kept;
    private ByteBuf one;
    private ByteBuf pipelinedBatch;
    private ByteBuf close;

    @Setup
    public void setUp() {
        initializer = new HttpServerInitializer(connections, HttpSettings.basic(Runnable::run));
        kept = new EmbeddedChannel(initializer);
        one = request(REQUEST, 1);
        pipelinedBatch = request(REQUEST, DEPTH);
        close = request(CLOSE_REQUEST, 1);
    }

    @TearDown
    public void tearDown() {
        kept.finishAndReleaseAll();
        one.release();
        pipelinedBatch.release();
        close.release();
    }

    /** One request on a kept-alive connection, one read batch. */
    @Benchmark
    public long keepAlive() {
        return exchange(kept, one, null);
    }

    /** Sixteen requests in one read batch; the result is per request. */
    @Benchmark
    @OperationsPerInvocation(DEPTH)
    public long pipelined() {
        return exchange(kept, pipelinedBatch, null);
    }

    /** A new connection: pipeline built, one {@code Connection: close} request answered, connection closed. */
    @Benchmark
    public long connectionPerRequest() {
        return connect(null);
    }

    long connect(ByteBuf sink) {
        EmbeddedChannel channel = new EmbeddedChannel(initializer);
        long bytes = exchange(channel, close, sink);
        if (channel.isOpen()) {
            throw new IllegalStateException("the connection stayed open after Connection: close");
        }
        channel.finishAndReleaseAll();
        return bytes;
    }

    long keepAlive(ByteBuf sink) {
        return exchange(kept, one, sink);
    }

    long pipelined(ByteBuf sink) {
        return exchange(kept, pipelinedBatch, sink);
    }

    /**
     * Writes {@code request} as one read batch and drains the answer, copying it into {@code sink} when there is
     * one (tests read it; the benchmarks pass none).
     */
    private static long exchange(EmbeddedChannel channel, ByteBuf request, ByteBuf sink) {
        channel.writeInbound(request.retainedDuplicate());
        long bytes = 0;
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            bytes += out.readableBytes();
            if (sink != null) {
                sink.writeBytes(out, out.readerIndex(), out.readableBytes());
            }
            out.release();
        }
        return bytes;
    }

    /** {@code copies} requests in one pooled direct buffer, as the epoll transport reads them. */
    private static ByteBuf request(String text, int copies) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
        for (int i = 0; i < copies; i++) {
            buf.writeCharSequence(text, CharsetUtil.US_ASCII);
        }
        return buf;
    }
}
