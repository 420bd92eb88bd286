package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 connection: hands each request to its route and writes the answers in request order.
 *
 * <p>Requests are answered one at a time. While a route answers later (a file read on the blocking executor,
 * {@code /sleep}), requests pipelined behind it wait in a queue and the connection stops reading, so a client
 * cannot make the server buffer without bound. Answers written while a read batch is being handled are
 * flushed once at its end ({@link #channelReadComplete}); answers that come later are flushed at once.
 * Pre-encoded answers of one batch are also written once, as one buffer.
 */
final class HttpServerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);
    /** RFC 9110 section 5.6.2: a method is a token. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    /** Answers a batch's buffer first makes room for: how deep clients usually pipeline (TechEmpower: 16). */
    private static final int PIPELINE_DEPTH = 16;

    private final Router router;
    private final long maxBody;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final HttpMetrics metrics;
    private final ArrayDeque<HttpObject> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext encoderCtx;
    /** Holds what comes after a queued request as bytes; {@code null} in a pipeline without it. */
    private StrictRequestDecoder decoder;
    private Reply reply;
    private Exchange exchange;
    private boolean responded;
    private boolean closeAfterResponse;
    private boolean requestComplete = true;
    private long bodyBytes;
    private boolean inReadBatch;
    /** When the read batch being handled began: the start of each request whose head it completed. */
    private long batchNanos;
    /**
     * Pre-encoded answers of the read batch being handled, written before anything else is and at its end: the
     * first as it is, then a copy of all of them in one buffer, so a client pipelining sixteen requests costs
     * one write through the pipeline, not sixteen.
     */
    private ByteBuf batchAnswers;
    private boolean batchAnswersCopied;
    /**
     * The batched answers not yet counted in the metrics, all of one route and status: counted as they are
     * written, with one clock read for them all. Each took from the batch's start to then.
     */
    private String batchRoute;
    private int batchStatus;
    private int batchUncounted;
    private boolean draining;
    /** The client half-closed: nothing more will be read. */
    private boolean inputShutdown;
    private boolean closing;
    private boolean pausedForQueue;
    private boolean pausedByExchange;
    /** The answers written and not yet taken passed the write buffer's high mark: reading waits for them. */
    private boolean pausedForWrites;
    /** Anything but an interim answer written on this connection yet. */
    private boolean answered;

    // Timeouts: one timer per connection, rescheduled only when it fires, never per request or read.
    private ScheduledFuture<?> timer;
    private long lastReadNanos;
    /** The outbound buffer's head, how far it was written, and what was pending, at the last idle look. */
    private Object stalledHead;
    private long stalledProgress;
    private long stalledPending;
    /** The next request's head is awaited (the previous request was read whole). */
    private boolean awaitingHead = true;
    /** {@link #next()} is handling queued requests; one answered on the spot returns to its loop. */
    private boolean handlingQueue;
    private boolean headInBatch;
    /** Bytes of a head have come without the head completing: the header timeout runs from headWaitSince. */
    private boolean headWaiting;
    private long headWaitSince;

    HttpServerHandler(Router router, HttpSettings settings, HttpMetrics metrics) {
        this.router = router;
        this.maxBody = settings.maxBody();
        this.headerTimeoutNanos = settings.headerTimeout().toNanos();
        this.idleTimeoutNanos = settings.idleTimeout().toNanos();
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Pre-encoded answers are written from the encoder's place, past it. Not behind a ChunkedWriteHandler:
        // its queued file chunks would be overtaken.
        this.encoderCtx = ctx.pipeline().get(ChunkedWriteHandler.class) == null
                ? ctx.pipeline().context(HttpResponseEncoder.class) : null;
        this.decoder = ctx.pipeline().get(StrictRequestDecoder.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastReadNanos = System.nanoTime();
        if (headerTimeoutNanos > 0) {
            headWaiting = true; // from the connection's start
            headWaitSince = lastReadNanos;
        }
        scheduleTimer(lastReadNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int kind = kind(msg);
        if (kind == NOT_HTTP) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!inReadBatch) {
            inReadBatch = true;
            batchNanos = System.nanoTime();
        }
        if ((kind & HEAD) != 0) {
            awaitingHead = false;
            headInBatch = true;
            headWaiting = false;
        }
        if ((kind & LAST) != 0) {
            awaitingHead = true;
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (waitingForAnswer() || !queued.isEmpty()) {
            queued.add((HttpObject) msg);
            setPausedForQueue(true);
            if (decoder != null) {
                decoder.hold(); // the requests after this one wait as bytes, not as decoded objects
            }
        } else {
            handle(msg, kind);
        }
    }

    // What a decoded message is. The decoder ends every body-less request with one shared constant, so it is
    // recognised by identity before any type test: an instanceof or cast against an interface that several
    // classes pass through at one place takes the JVM's slow path and rewrites a per-class cache
    // (JDK-8180450), which two event loops would then keep taking from each other. Split this way, each test
    // below sees one class and is compiled to a compare.
    private static final int NOT_HTTP = 0;
    private static final int HEAD = 1;
    private static final int CONTENT = 2;
    private static final int LAST = 4;
    private static final int OTHER = 8;

    private static int kind(Object msg) {
        if (msg == LastHttpContent.EMPTY_LAST_CONTENT) {
            return CONTENT | LAST;
        }
        if (msg instanceof HttpRequest) {
            return msg instanceof LastHttpContent ? HEAD | CONTENT | LAST
                    : msg instanceof HttpContent ? HEAD | CONTENT : HEAD;
        }
        if (msg instanceof HttpContent) {
            return msg instanceof LastHttpContent ? CONTENT | LAST : CONTENT;
        }
        return msg instanceof HttpObject ? OTHER : NOT_HTTP;
    }

    /** The current request is read whole but not yet answered: whatever comes next belongs to a later request. */
    private boolean waitingForAnswer() {
        return reply != null && requestComplete && !responded;
    }

    private void handle(Object msg, int kind) {
        DecoderResult result = (kind & HEAD) != 0 ? ((HttpRequest) msg).decoderResult()
                : msg == LastHttpContent.EMPTY_LAST_CONTENT ? DecoderResult.SUCCESS
                : (kind & CONTENT) != 0 ? ((HttpContent) msg).decoderResult()
                : ((HttpObject) msg).decoderResult();
        if (result.isFailure()) {
            ReferenceCountUtil.release(msg);
            rejectMalformed(result.cause());
            return;
        }
        if ((kind & HEAD) != 0) {
            start((HttpRequest) msg);
        }
        if (msg == LastHttpContent.EMPTY_LAST_CONTENT) {
            body(LastHttpContent.EMPTY_LAST_CONTENT, true);
        } else if ((kind & CONTENT) != 0) {
            body((HttpContent) msg, (kind & LAST) != 0);
        }
    }

    private void start(HttpRequest request) {
        String route = Router.routeName(request.uri());
        if (batchUncounted > 0 && !route.equals(batchRoute)) {
            countBatchAnswers(); // before this route runs: it may be /metrics
        }
        reply = new Reply(this, ctx, request, route, startNanos());
        exchange = null;
        responded = false;
        requestComplete = false;
        bodyBytes = 0;
        HttpResponseStatus refusal = refusal(request);
        if (refusal != null) {
            closing = true;
            write(reply, refusal == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE ? tooLarge()
                    : Responses.status(HttpVersion.HTTP_1_1, refusal), true);
            return;
        }
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        boolean askForBody = false;
        if (expect != null) {
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
                // RFC 9110 section 10.1.1: 100-continue is the one expectation there is. The body is discarded.
                write(reply, Responses.text(request.protocolVersion(), HttpResponseStatus.EXPECTATION_FAILED,
                        "Only Expect: 100-continue is understood\n"), false);
                return;
            }
            askForBody = request.protocolVersion() != HttpVersion.HTTP_1_0; // 1.0 cannot take an interim answer
            request.headers().remove(HttpHeaderNames.EXPECT);
        }
        Reply routed = reply;
        try {
            exchange = router.route(request, reply);
        } catch (RuntimeException e) {
            fail(reply, e);
        }
        if (askForBody && reply == routed && !responded && ctx.channel().isActive()) {
            // The body fits (refusal() said so) and the route has not refused it at once (405, 404, 400): ask for
            // it. Interim, so not the request's answer. A refusal the route finds later (a failed precondition,
            // on the blocking pool) still comes after this 100, and the body it did not want is read and dropped.
            writeBatchAnswers();
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER), ctx.voidPromise());
        }
    }

    /** What this server will not even route: each needs the connection closed after the answer. */
    private HttpResponseStatus refusal(HttpRequest request) {
        if (request.protocolVersion().majorVersion() != 1) {
            return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
        }
        if (!isStandard(request.method()) && !TOKEN.matcher(request.method().name()).matches()
                || !HostField.acceptable(request)) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                && !chunkedOnce(request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING))) {
            return HttpResponseStatus.NOT_IMPLEMENTED;
        }
        if (HttpUtil.getContentLength(request, 0L) > maxBody) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return null;
    }

    /**
     * Only {@code chunked}, once, is understood. Every line counts: a second {@code Transfer-Encoding} line would
     * let a proxy that reads another one frame the body differently (request smuggling).
     */
    private static boolean chunkedOnce(List<String> transferEncodings) {
        return transferEncodings.size() == 1
                && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(transferEncodings.get(0).trim());
    }

    private FullHttpResponse tooLarge() {
        return Responses.text(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "Request body larger than " + maxBody + " bytes\n");
    }

    /** The decoder hands out its own constants for the standard methods: no need to check their spelling. */
    private static boolean isStandard(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.POST
                || method == HttpMethod.PUT || method == HttpMethod.PATCH || method == HttpMethod.DELETE;
    }

    private void body(HttpContent content, boolean last) {
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > maxBody) {
            content.release();
            abortExchange();
            closing = true;
            if (!responded) {
                write(reply, tooLarge(), true);
            } else {
                closeWhenFlushed();
            }
            return;
        }
        if (exchange != null) {
            exchange.content(content);
        } else {
            content.release();
        }
        if (last) {
            requestComplete = true;
            next();
        }
    }

    private void rejectMalformed(Throwable cause) {
        HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
        log.debug("{} malformed request ({}): {}", ctx.channel().remoteAddress(), status.code(), cause.toString());
        abortExchange();
        closing = true;
        if (reply != null && responded) {
            closeWhenFlushed(); // the broken body's request was answered already; a second answer would be a lie
            return;
        }
        if (reply == null) {
            reply = new Reply(this, ctx, null, "malformed", startNanos());
        }
        write(reply, Responses.status(HttpVersion.HTTP_1_1, status), true);
    }

    /** Called by {@link Reply} on the event loop: the bytes as encoded before when the request takes that form. */
    void respond(Reply from, PreEncodedResponse response) {
        HttpRequest request = from.request;
        if (from != reply || responded || encoderCtx == null || request.method() != HttpMethod.GET
                || request.protocolVersion() != HttpVersion.HTTP_1_1) {
            respond(from, response.toResponse(request.protocolVersion()), null, 0, 0);
            return;
        }
        responded = true;
        answered = true;
        int status = response.status().code();
        AccessLog.record(ctx.channel().remoteAddress(), request, status, response.contentLength());
        closeAfterResponse = !keepAlive(request, false);
        if (inReadBatch && !closeAfterResponse) {
            addToBatch(from.route, status, response);
        } else {
            metrics.record(from.route, status, System.nanoTime() - from.startNanos);
            writeLast(encoderCtx, response.encoded(!closeAfterResponse));
            flushUnlessInBatch();
        }
        next();
    }

    private void addToBatch(String route, int status, PreEncodedResponse answer) {
        if (batchUncounted > 0 && (status != batchStatus || !route.equals(batchRoute))) {
            countBatchAnswers();
        }
        batchRoute = route;
        batchStatus = status;
        batchUncounted++;
        if (batchAnswers == null) {
            batchAnswers = answer.encoded(true); // a duplicate, whose release is a no-op
            return;
        }
        if (!batchAnswersCopied) {
            ByteBuf first = batchAnswers;
            batchAnswers = ctx.alloc().directBuffer(PIPELINE_DEPTH * first.readableBytes());
            batchAnswers.writeBytes(first);
            batchAnswersCopied = true;
        }
        answer.appendKeptAlive(batchAnswers);
    }

    /** Writes the batch's pre-encoded answers so far: called before any other write, so answers stay in order. */
    private void writeBatchAnswers() {
        countBatchAnswers();
        ByteBuf answers = batchAnswers;
        if (answers != null) {
            batchAnswers = null;
            batchAnswersCopied = false;
            encoderCtx.write(answers, ctx.voidPromise());
        }
    }

    private void countBatchAnswers() {
        if (batchUncounted > 0) {
            metrics.record(batchRoute, batchStatus, System.nanoTime() - batchNanos, batchUncounted);
            batchUncounted = 0;
        }
    }

    /** Called by {@link Reply} on the event loop. */
    void respond(Reply from, HttpResponse head, RandomAccessFile file, long offset, long length) {
        if (from != reply || responded) {
            ReferenceCountUtil.release(head);
            closeQuietly(file);
            return;
        }
        boolean headRequest = HttpMethod.HEAD.equals(from.request.method());
        if (head instanceof FullHttpResponse full && headRequest) {
            // The headers a GET would get (RFC 9110 section 9.3.2): gzipped as it would be, then without the body.
            FullHttpResponse asGet = TextCompressor.compressIfAccepted(from.request, full, ctx.alloc());
            asGet.content().clear();
            head = asGet;
        }
        write(from, head, false);
        if (file == null) {
            return; // a full response: write() has moved on to the next request
        }
        if (headRequest) {
            closeQuietly(file);
            writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (ctx.pipeline().get(SslHandler.class) == null) {
            ctx.write(new DefaultFileRegion(file.getChannel(), offset, length), ctx.voidPromise()); // sendfile(2)
            writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            try {
                // TLS needs the bytes in user space: no sendfile, chunks through ChunkedWriteHandler instead.
                writeLast(new HttpChunkedInput(new ChunkedNioFile(file.getChannel(), offset, length, 64 * 1024)));
            } catch (IOException e) {
                closeQuietly(file);
                ctx.close();
                return;
            }
        }
        flushUnlessInBatch();
        next();
    }

    private void write(Reply from, HttpResponse response, boolean close) {
        writeBatchAnswers();
        responded = true;
        answered = true;
        if (response instanceof FullHttpResponse full && from.request != null) {
            response = TextCompressor.compressIfAccepted(from.request, full, ctx.alloc());
        }
        metrics.record(from.route, response.status().code(), System.nanoTime() - from.startNanos);
        AccessLog.record(ctx.channel().remoteAddress(), from.request, response);
        HttpRequest request = from.request;
        boolean keepAlive = request != null && keepAlive(request, close);
        if (request != null && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.setProtocolVersion(HttpVersion.HTTP_1_0); // first: a 1.0 response says keep-alive out loud
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        closeAfterResponse = !keepAlive;
        if (response instanceof FullHttpResponse full) {
            writeLast(full);
            flushUnlessInBatch();
            next();
        } else {
            ctx.write(response, ctx.voidPromise());
        }
    }

    /** The last part of the current response: a connection that is not kept alive closes once it is sent. */
    private void writeLast(Object last) {
        writeLast(ctx, last);
    }

    /** {@code out}: this handler's context, or the encoder's for bytes already encoded. */
    private void writeLast(ChannelHandlerContext out, Object last) {
        writeBatchAnswers();
        if (closeAfterResponse) {
            closing = true;
            out.write(last).addListener(ChannelFutureListener.CLOSE);
        } else {
            out.write(last, ctx.voidPromise());
        }
    }

    private boolean keepAlive(HttpRequest request, boolean close) {
        // Draining, requests already read are still owed an answer; the last of them closes the connection.
        return !close && !closing && !(draining && !requestQueued()) && HttpUtil.isKeepAlive(request);
    }

    private boolean requestQueued() {
        for (HttpObject msg : queued) {
            if (msg instanceof HttpRequest) {
                return true;
            }
        }
        return false;
    }

    void fail(Reply from, Throwable cause) {
        if (from != reply) {
            return;
        }
        log.error("{} {} {} failed", from.route, from.request.method(), from.request.uri(), cause);
        closing = true;
        abortExchange();
        if (!responded) {
            write(from, Responses.status(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR), true);
        } else {
            closeWhenFlushed();
        }
    }

    /** The current exchange is over once it is answered and its request read whole: on to the next. */
    private void next() {
        if (!responded || !requestComplete) {
            return;
        }
        reply = null;
        exchange = null;
        pauseForExchange(null, false);
        if (handlingQueue) {
            return; // answered from inside the loop below, which goes on with the queue: no recursion per request
        }
        handlingQueue = true;
        try {
            while (!queued.isEmpty() && !closing && !waitingForAnswer()) {
                HttpObject msg = queued.poll();
                handle(msg, kind(msg));
            }
        } finally {
            handlingQueue = false;
        }
        if (queued.isEmpty() && decoder != null) {
            releaseDecoder(); // may hand on more requests: answered now, or queued (and held) again
        }
        if (queued.isEmpty()) {
            setPausedForQueue(false);
            closeIfNothingMoreIsOwed();
        }
    }

    private void releaseDecoder() {
        try {
            decoder.release();
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /**
     * Once no more requests are taken (draining, or the client half-closed): closes when nothing is owed. After a
     * half-close, a request whose body had not all come can never be read whole either: its exchange is dropped (a
     * partial upload is discarded) and the connection closes, with what was answered before it sent first.
     */
    private void closeIfNothingMoreIsOwed() {
        if (!draining) {
            return;
        }
        if (reply == null) {
            closeWhenFlushed();
        } else if (inputShutdown && !requestComplete && queued.isEmpty() && !closing) {
            log.debug("{} half-closed inside a request body, closing", ctx.channel().remoteAddress());
            abortExchange();
            closing = true;
            closeWhenFlushed();
        }
    }

    void pauseForExchange(Reply from, boolean pause) {
        if (from != null && from != reply) {
            return;
        }
        pausedByExchange = pause;
        updateAutoRead();
    }

    private void setPausedForQueue(boolean pause) {
        pausedForQueue = pause;
        updateAutoRead();
    }

    /**
     * A client that sends requests faster than it takes the answers (pipelining without reading) is read only as
     * fast as it takes them: past the high mark of the write buffer, reading stops until the answers drain below
     * the low mark. Otherwise its answers would pile up in the server's memory without bound. One that takes
     * nothing at all is closed by the idle timeout, as a stalled download is.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        pausedForWrites = !ctx.channel().isWritable();
        updateAutoRead();
        super.channelWritabilityChanged(ctx);
    }

    private void updateAutoRead() {
        boolean read = !pausedForQueue && !pausedByExchange && !pausedForWrites;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /** A request handled in a read batch started with it; one handled later (it waited in the queue), now. */
    private long startNanos() {
        return inReadBatch ? batchNanos : System.nanoTime();
    }

    private void flushUnlessInBatch() {
        if (!inReadBatch) {
            ctx.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastReadNanos = startNanos(); // a batch is read in microseconds: its start will do
        if (headerTimeoutNanos > 0 && awaitingHead && !headInBatch && !headWaiting) {
            // A read that completed no head while one is awaited: head bytes are trickling in (slowloris).
            headWaiting = true;
            headWaitSince = lastReadNanos;
        }
        headInBatch = false;
        inReadBatch = false;
        writeBatchAnswers();
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == DrainEvent.INSTANCE) {
            // Finish what is owed with Connection: close; an idle connection closes now.
            draining = true;
            closeIfNothingMoreIsOwed();
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client half-closed (printf ... | nc -N): it has sent all it will. The requests it sent whole are
            // answered, the last with Connection: close (RFC 9112 section 9.6); one it did not finish never will be.
            inputShutdown = true;
            draining = true;
            closeIfNothingMoreIsOwed();
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Schedules the timer for the nearest deadline. Without a head awaited it still fires within one header
     * timeout, so a head wait that starts later is never checked late: no rescheduling as requests come and go.
     */
    private void scheduleTimer(long now) {
        long delay = idleTimeoutNanos > 0 ? lastReadNanos + idleTimeoutNanos - now : Long.MAX_VALUE;
        if (headerTimeoutNanos > 0) {
            delay = Math.min(delay, headWaiting ? headWaitSince + headerTimeoutNanos - now : headerTimeoutNanos);
        }
        if (delay != Long.MAX_VALUE) {
            timer = ctx.executor().schedule(this::onTimer, Math.max(delay, 0), TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (!closing && headWaiting && now - headWaitSince >= headerTimeoutNanos) {
            headTimedOut();
            return;
        }
        if (idleTimeoutNanos > 0 && now - lastReadNanos >= idleTimeoutNanos) {
            if (closedAsIdle()) {
                return;
            }
            lastReadNanos = now; // look again one idle time later
        }
        scheduleTimer(now);
    }

    /**
     * Nothing was read for the idle time. Closes the connection when it is the client that everything waits for:
     * it sent nothing and nothing is owed (an idle keep-alive connection); it stopped sending a request body
     * that is being read (408, like nginx's {@code client_body_timeout}); or it took none of an answer since the
     * last look, one idle time ago (like nginx's {@code send_timeout}: a client that never reads a download
     * would otherwise hold its socket and file for ever). A route still working on its answer, or a read this
     * handler paused, is waited for. A connection already closing after its last answer is only checked for
     * that answer's progress.
     */
    private boolean closedAsIdle() {
        ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        Object head = outbound == null ? null : outbound.current();
        if (head != null) {
            long progress = outbound.currentProgress();
            long pending = outbound.totalPendingWriteBytes();
            if (head == stalledHead && progress == stalledProgress && pending == stalledPending) {
                log.debug("{} client took none of the answer in the idle time, closing", ctx.channel().remoteAddress());
                stalledHead = null;
                closing = true;
                ctx.close();
                return true;
            }
            stalledHead = head;
            stalledProgress = progress;
            stalledPending = pending;
            return false;
        }
        stalledHead = null;
        if (closing) {
            return false; // nothing left to send: the close is under way
        }
        if (reply == null && queued.isEmpty()) {
            log.debug("{} idle keep-alive connection closed", ctx.channel().remoteAddress());
            ctx.close();
            return true;
        }
        if (!requestComplete && ctx.channel().config().isAutoRead()) {
            log.debug("{} request body stalled, closing", ctx.channel().remoteAddress());
            abortExchange();
            closing = true;
            if (responded) {
                ctx.close();
            } else {
                write(reply, Responses.status(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT), true);
            }
            return true;
        }
        return false;
    }

    /** Slowloris: 408 if nothing was answered on the connection yet, then close. */
    private void headTimedOut() {
        log.debug("{} request head not complete in time, closing", ctx.channel().remoteAddress());
        closing = true;
        if (answered) {
            ctx.close();
        } else {
            FullHttpResponse timedOut = Responses.status(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT);
            HttpUtil.setKeepAlive(timedOut, false);
            AccessLog.record(ctx.channel().remoteAddress(), null, timedOut);
            ctx.writeAndFlush(timedOut).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void closeWhenFlushed() {
        writeBatchAnswers();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        abortExchange();
        for (HttpObject msg; (msg = queued.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
        if (batchAnswers != null) {
            batchAnswers.release();
            batchAnswers = null;
        }
        super.channelInactive(ctx);
    }

    private void abortExchange() {
        if (exchange != null) {
            Exchange aborted = exchange;
            exchange = null;
            aborted.abort();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} connection error: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else if (reply != null && !responded) {
            fail(reply, cause);
        } else {
            log.warn("{} unexpected error, closing", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    private static void closeQuietly(RandomAccessFile file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }
    }
}
