package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/** Encodes one outgoing chat line: UTF-8, terminated by CRLF as telnet (RFC 854) expects. */
final class ChatLines {

    private ChatLines() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, String line) {
        ByteBuf buf = alloc.buffer(ByteBufUtil.utf8MaxBytes(line) + 2);
        ByteBufUtil.writeUtf8(buf, line);
        buf.writeByte('\r').writeByte('\n');
        return buf;
    }
}
