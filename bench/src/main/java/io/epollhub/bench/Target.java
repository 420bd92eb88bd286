package io.epollhub.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * What the load generator talks to: epollhub's line chat, or Redis pub/sub (RESP {@code SUBSCRIBE} and
 * {@code PUBLISH} on one channel) as the fan-out anchor. Both carry the same payload, so one measurement
 * serves both.
 */
enum Target {

    EPOLLHUB(9000) {
        @Override
        ByteBuf subscribe(ByteBufAllocator alloc) {
            return null; // everyone in the room receives
        }

        @Override
        ByteBuf publish(ByteBufAllocator alloc, CharSequence payload) {
            ByteBuf buf = alloc.buffer(payload.length() + 1);
            ByteBufUtil.writeAscii(buf, payload);
            return buf.writeByte('\n');
        }
    },

    REDIS(6379) {
        @Override
        ByteBuf subscribe(ByteBufAllocator alloc) {
            return command(alloc, "SUBSCRIBE", CHANNEL);
        }

        @Override
        ByteBuf publish(ByteBufAllocator alloc, CharSequence payload) {
            return command(alloc, "PUBLISH", CHANNEL, payload);
        }
    };

    static final String CHANNEL = "room";

    final int defaultPort;

    Target(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** What a receiving connection sends first, or {@code null} for nothing. */
    abstract ByteBuf subscribe(ByteBufAllocator alloc);

    /** One message carrying {@code payload} (ASCII, no line breaks). */
    abstract ByteBuf publish(ByteBufAllocator alloc, CharSequence payload);

    /** A RESP array of bulk strings: {@code *2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nroom\r\n}. */
    static ByteBuf command(ByteBufAllocator alloc, CharSequence... parts) {
        ByteBuf buf = alloc.buffer();
        ByteBufUtil.writeAscii(buf, "*" + parts.length + "\r\n");
        for (CharSequence part : parts) {
            ByteBufUtil.writeAscii(buf, "$" + part.length() + "\r\n");
            ByteBufUtil.writeAscii(buf, part);
            ByteBufUtil.writeAscii(buf, "\r\n");
        }
        return buf;
    }
}
