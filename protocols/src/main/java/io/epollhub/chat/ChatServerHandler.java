package io.epollhub.chat;

import io.epollhub.text.Durations;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/** One chat client: joins the room when connected, then runs each line it sends as a command or a message. */
final class ChatServerHandler extends SimpleChannelInboundHandler<String> {

    private static final Logger log = LoggerFactory.getLogger(ChatServerHandler.class);

    static final String HELP = String.join("\r\n",
            "* commands:",
            "*   /nick <name>   take a nick: 1-32 of A-Z a-z 0-9 _ -",
            "*   /who           list who is online",
            "*   /me <action>   tell the room what you do",
            "*   /quit          leave",
            "*   /help          this list",
            "* any other line goes to everyone else; start it with // to send a line beginning with /");

    /** How long a client leaving (/quit, end of input, idle) has to take its last line before it is closed anyway. */
    static final Duration GOODBYE_GRACE = Duration.ofSeconds(1);

    private final ChatRoom room;
    private final ChatSettings settings;
    private final String lineTooLong;
    private final RateLimiter rateLimiter;
    /** Lines read before the room admitted this client (epoll reads a half-closed socket even with auto-read off). */
    private final ArrayDeque<String> early = new ArrayDeque<>();
    /**
     * At most this many characters are held before admission (or the max-pending limit, if lower): a budget for a
     * script's first lines, small enough that thousands of clients connecting at once cannot make the server hold
     * megabytes each while their admissions queue.
     */
    static final int EARLY_MAX_CHARS = 64 * 1024;
    private final int earlyBudget;
    private int earlyChars;
    private int earlyDropped;
    private boolean admitted;
    private boolean inputShutdown;
    private boolean quitting;
    private ChatOutbox outbox;

    ChatServerHandler(ChatRoom room, ChatSettings settings) {
        this.room = room;
        this.settings = settings;
        this.earlyBudget = Math.min(settings.maxPendingBytes(), EARLY_MAX_CHARS);
        this.lineTooLong = "! line too long (max " + settings.maxLineBytes() + " bytes)";
        this.rateLimiter = settings.ratePerSecond() > 0 ? new RateLimiter(settings.ratePerSecond(), System.nanoTime()) : null;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // Read nothing until the room has admitted this client: its first line needs its nick. Epoll still reads
        // a socket the client half-closed; those lines wait in `early`.
        ctx.channel().config().setAutoRead(false);
        outbox = room.openOutbox(ctx.channel(), settings.maxPendingBytes());
        room.join(ctx.channel(), () -> admitted(ctx));
        super.channelActive(ctx);
    }

    /** On the event loop, after the welcome and the join notice: what was held back runs now, in order. */
    private void admitted(ChannelHandlerContext ctx) {
        admitted = true;
        if (earlyDropped > 0) {
            room.send(ctx.channel(), "! " + earlyDropped + " lines sent before your welcome were dropped (more than "
                    + earlyBudget + " characters)");
        }
        for (String line; (line = early.poll()) != null; ) {
            channelRead0(ctx, line);
        }
        if (quitting) {
            return; // a held /quit
        }
        if (inputShutdown) {
            quit(ctx);
        } else {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        if (!admitted) {
            hold(line);
            return;
        }
        // After /quit, or once cut (a slow consumer whose answer overflowed), the rest of the read is not sent.
        if (quitting || !ctx.channel().isActive() || line.isBlank()) {
            return;
        }
        boolean isCommand = line.startsWith("/") && !line.startsWith("//");
        int nameEnd = isCommand ? commandNameEnd(line) : 0;
        String name = isCommand ? line.substring(1, nameEnd) : null;
        // /quit is always honoured: the bundled client sends it at end of input, then waits for the close.
        if (rateLimiter != null && !"quit".equals(name) && !rateLimiter.tryAcquire(System.nanoTime())) {
            room.send(ctx.channel(), "! slow down");
            return;
        }
        if (isCommand) {
            command(ctx, name, line.substring(nameEnd).strip());
        } else {
            String text = ChatText.clean(line.startsWith("//") ? line.substring(1) : line);
            if (!text.isBlank()) {
                room.say(ctx.channel(), text);
            }
        }
    }

    /** Where the command's name ends: at any whitespace (telnet users type TAB too), or the end of the line. */
    private static int commandNameEnd(String line) {
        int end = 1;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        return end;
    }

    private void command(ChannelHandlerContext ctx, String name, String argument) {
        switch (name) {
            case "nick" -> {
                switch (room.rename(ctx.channel(), argument)) {
                    case UNCHANGED -> room.send(ctx.channel(), "* you are already " + argument);
                    case TAKEN -> room.send(ctx.channel(), "! nick taken");
                    case INVALID -> room.send(ctx.channel(), "! invalid nick");
                    case DONE -> { }
                }
            }
            case "who" -> room.send(ctx.channel(), room.who());
            case "me" -> {
                String action = ChatText.clean(argument);
                if (action.isEmpty()) {
                    room.send(ctx.channel(), "! usage: /me <action>");
                } else {
                    room.act(ctx.channel(), action);
                }
            }
            case "help" -> room.send(ctx.channel(), HELP);
            case "quit" -> quit(ctx);
            default -> room.send(ctx.channel(), "! unknown command /" + ChatText.clean(name) + " (try /help)");
        }
    }

    /** Held back until admission, within {@link #earlyBudget}. */
    private void hold(String line) {
        if (earlyChars + line.length() > earlyBudget) {
            earlyDropped++;
            return;
        }
        earlyChars += line.length();
        early.add(line);
    }

    private void quit(ChannelHandlerContext ctx) {
        sayGoodbyeAndClose(ctx, "* bye");
    }

    /**
     * Closes once the goodbye is written, or after {@link #GOODBYE_GRACE} if it is not: a client that reads
     * nothing (its receive window full, its backlog still under the max-pending cut) would otherwise hold the
     * connection open forever. Only the first goodbye counts.
     */
    private void sayGoodbyeAndClose(ChannelHandlerContext ctx, String goodbye) {
        if (quitting) {
            return;
        }
        // Lines after it, in this read or a later one before the close, are not this client's to send.
        quitting = true;
        ctx.channel().config().setAutoRead(false);
        outbox.add(goodbye);
        outbox.write(ctx.newPromise()).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            log.debug("chat client {} took none of its goodbye in {}, closing", ChatRoom.nickOf(ctx.channel()),
                    GOODBYE_GRACE);
            ctx.close();
        }, GOODBYE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(closed -> deadline.cancel(false));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.debug("chat client {} idle for {}, closing", ChatRoom.nickOf(ctx.channel()), settings.idleTimeout());
            sayGoodbyeAndClose(ctx, "* idle for " + Durations.format(settings.idleTimeout()) + ", bye");
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            // End of input (half-close) reads as /quit, after the lines before it; the decoder has passed them on.
            inputShutdown = true;
            if (admitted) {
                quit(ctx);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        outbox.close();
        room.leave(ctx.channel());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // The decoder drops the rest of the line; the client may go on.
            room.send(ctx.channel(), lineTooLong);
        } else if (cause instanceof IOException) {
            log.debug("chat client {} connection error: {}", ChatRoom.nickOf(ctx.channel()), cause.toString());
            ctx.close();
        } else {
            log.warn("chat client {} unexpected error, closing", ChatRoom.nickOf(ctx.channel()), cause);
            ctx.close();
        }
    }
}
