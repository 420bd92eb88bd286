package io.epollhub.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TargetTest {

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(CharsetUtil.US_ASCII);
        } finally {
            buf.release();
        }
    }

    @Test
    void redisSpeaksResp() {
        assertEquals("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nroom\r\n", text(Target.REDIS.subscribe(ByteBufAllocator.DEFAULT)));
        assertEquals("*3\r\n$7\r\nPUBLISH\r\n$4\r\nroom\r\n$5\r\nhello\r\n",
                text(Target.REDIS.publish(ByteBufAllocator.DEFAULT, "hello")));
    }

    @Test
    void epollhubSpeaksLines() {
        assertNull(Target.EPOLLHUB.subscribe(ByteBufAllocator.DEFAULT));
        assertEquals("hello\n", text(Target.EPOLLHUB.publish(ByteBufAllocator.DEFAULT, "hello")));
    }
}
