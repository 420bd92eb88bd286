package io.epollhub.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A POST, PUT or PATCH body on its way to disk: each chunk is written to a temporary file as it arrives, in
 * order, on the blocking executor, never gathered in memory. When more than {@value #PAUSE_BYTES} bytes wait
 * for the disk, the connection stops reading until they are down to {@value #RESUME_BYTES}. A connection lost
 * mid-body, or one refused as too large, leaves neither a partial target nor the temporary file, nor the directories
 * made for it.
 */
final class Upload implements Exchange {

    static final int PAUSE_BYTES = 4 << 20;
    static final int RESUME_BYTES = 1 << 20;

    private final FileStore store;
    private final Reply reply;
    private final Path path;
    private final SerialExecutor disk;
    private final AtomicLong waiting = new AtomicLong();
    // Touched only on the disk executor, one task at a time.
    private Path temp;
    private FileChannel channel;
    private boolean failed;
    private volatile boolean aborted;

    Upload(FileStore store, Reply reply, Path path) {
        this.store = store;
        this.reply = reply;
        this.path = path;
        this.disk = new SerialExecutor(store.blockingExecutor());
        disk.execute(this::open);
    }

    private void open() {
        attempt(() -> {
            temp = store.createTemp(reply.request, path);
            channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        });
    }

    @Override
    public void content(HttpContent content) {
        ByteBuf chunk = content.content().retain();
        boolean last = content instanceof LastHttpContent;
        content.release();
        int size = chunk.readableBytes();
        if (waiting.addAndGet(size) > PAUSE_BYTES) {
            reply.pauseReading(true);
        }
        disk.execute(() -> {
            try {
                attempt(() -> write(chunk));
            } finally {
                chunk.release();
                if (waiting.addAndGet(-size) < RESUME_BYTES) {
                    reply.pauseReading(false);
                }
            }
        });
        if (last) {
            disk.execute(this::finish);
        }
    }

    private void write(ByteBuf chunk) throws Exception {
        for (ByteBuffer buffer : chunk.nioBuffers()) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private void finish() {
        attempt(() -> {
            channel.force(true);
            channel.close();
            channel = null;
            HttpResponseStatus status = store.commit(reply.request, temp, path);
            temp = null;
            if (status == HttpResponseStatus.CREATED || status == HttpResponseStatus.NO_CONTENT) {
                store.keepMadeDirectories(path);
            } else {
                store.removeMadeDirectories(path); // refused as it committed: nothing written
            }
            FullHttpResponse response = status == HttpResponseStatus.NO_CONTENT
                    ? Responses.empty(reply.request.protocolVersion(), status)
                    : Responses.status(reply.request.protocolVersion(), status);
            if (status == HttpResponseStatus.CREATED) {
                response.headers().set(HttpHeaderNames.LOCATION, reply.request.uri());
            }
            reply.send(response);
        });
    }

    @Override
    public void abort() {
        aborted = true;
        disk.execute(this::cleanUp);
    }

    /** Runs one disk step unless an earlier one failed or the exchange was aborted; a failure answers once. */
    private void attempt(FileStore.Task step) {
        if (failed || aborted) {
            cleanUp();
            return;
        }
        try {
            step.run();
        } catch (SafePath.Refused refused) {
            failed = true;
            cleanUp();
            reply.send(Responses.status(reply.request.protocolVersion(), refused.status));
        } catch (AccessDeniedException e) {
            failed = true;
            cleanUp();
            FileStore.forbidden(reply, e);
        } catch (Exception e) {
            failed = true;
            cleanUp();
            reply.fail(e);
        }
    }

    private void cleanUp() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
                temp = null;
            }
            store.removeMadeDirectories(path);
        } catch (Exception e) {
            reply.fail(e);
        }
    }
}
