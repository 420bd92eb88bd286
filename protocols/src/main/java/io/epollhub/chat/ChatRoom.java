package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One broadcast room: the members' channels, their nicks, and the fan-out. Created by whoever hosts the
 * chat service and handed to {@link ChatServerInitializer}, so each server (and each test) has its own.
 */
public final class ChatRoom {

    private static final AttributeKey<String> NICK = AttributeKey.valueOf(ChatRoom.class, "nick");

    private final ChannelGroup members;
    private final AtomicLong guests = new AtomicLong();

    /** @param executor notifies the room's group futures; Netty's {@code GlobalEventExecutor} will do */
    public ChatRoom(EventExecutor executor) {
        this.members = new DefaultChannelGroup("chat", executor);
    }

    /** Admits a connected channel under a fresh {@code guest-<n>} nick; it leaves when it closes. */
    String join(Channel channel) {
        String nick = "guest-" + guests.incrementAndGet();
        channel.attr(NICK).set(nick);
        members.add(channel);
        return nick;
    }

    static String nickOf(Channel channel) {
        return channel.attr(NICK).get();
    }

    /** Sends {@code [nick] text} to every member but the sender, encoded once and shared by all. */
    void say(Channel sender, String text) {
        String line = "[" + nickOf(sender) + "] " + text;
        members.writeAndFlush(ChatLines.encode(sender.alloc(), line), ChannelMatchers.isNot(sender));
    }

    /** Sends {@code notice} to every member, then closes each once its copy is written. */
    public ChannelGroupFuture closeAll(String notice) {
        ByteBuf line = ChatLines.encode(ByteBufAllocator.DEFAULT, notice);
        try {
            for (Channel member : members) {
                member.writeAndFlush(line.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            line.release();
        }
        return members.newCloseFuture();
    }

    public int size() {
        return members.size();
    }

    /** The members' channels, read-only: for diagnostics and tests. */
    public Set<Channel> members() {
        return Collections.unmodifiableSet(members);
    }
}
