package io.epollhub.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * One broadcast room: the members' channels, their nicks, the fan-out and the counters. Created by whoever
 * hosts the chat service and handed to {@link ChatServerInitializer}, so each server (and each test) has its own.
 *
 * <p>Every broadcast is encoded once and handed to each event loop as one task; there each recipient's
 * {@link ChatOutbox} copies it, to be written with whatever else the member is sent in that pass.
 *
 * <p>Joins and leaves run one at a time on the room's own executor, so that each member sees the others
 * arrive and go in one order with counts that add up, and no event loop ever waits for another.
 */
public final class ChatRoom {

    private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);
    private static final AttributeKey<String> NICK = AttributeKey.valueOf(ChatRoom.class, "nick");
    private static final Pattern VALID_NICK = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** The outcome of {@link #rename}. */
    enum Rename { DONE, UNCHANGED, TAKEN, INVALID }

    private final ChannelGroup members;
    private final int maxClients;
    private final ConcurrentMap<String, Channel> nicks = new ConcurrentHashMap<>();
    private final EventExecutor executor;
    /** One outbox writer per event loop that has members. */
    private final ConcurrentMap<EventLoop, ChatOutbox.Writer> writers = new ConcurrentHashMap<>();
    /** Counts joins and leaves, so that broadcasts know when {@link #snapshot} is out of date. */
    private final AtomicLong membership = new AtomicLong();
    private volatile Recipients snapshot;
    private final AtomicLong guests = new AtomicLong();
    private final AtomicLong slowConsumerCuts = new AtomicLong();
    private final AtomicLong rejectedClients = new AtomicLong();
    private final AtomicLong messagesReceived = new AtomicLong();
    private final AtomicLong messagesDelivered = new AtomicLong();
    private volatile boolean closing;
    /** Joins and leaves waiting for the announcement in progress to be handed out; room executor only. */
    private final List<Change> unannounced = new ArrayList<>();
    private boolean announcing;
    /**
     * Members admitted and not yet removed, for the counts in notices; room executor only. The group itself drops
     * a closed channel at once, so its size would let a notice count a leave announced only later.
     */
    private int admitted;
    /** How many nicks one join or leave notice names before it says {@code and <k> more}. */
    static final int NICKS_PER_NOTICE = 20;

    /**
     * @param executor runs joins and leaves one at a time and notifies the group's futures: a single thread
     *                 of the room's own (tests may pass {@code ImmediateEventExecutor})
     */
    public ChatRoom(EventExecutor executor, int maxClients) {
        this.executor = executor;
        this.members = new DefaultChannelGroup("chat", executor);
        this.maxClients = maxClients;
    }

    /**
     * Admits a newly connected channel: under a fresh {@code guest-<n>} nick, with a welcome to it and a notice
     * to the others, then runs {@code onAdmitted} on the channel's event loop; or, when the room is full, with
     * {@code ! server full} and a close. The welcome and the join notice are queued to every event loop before
     * {@code onAdmitted} is, so nothing the newcomer says can overtake them. Joins and leaves that arrive while
     * the last notice is still being handed out are announced together (see {@link #announce}).
     */
    void join(Channel channel, Runnable onAdmitted) {
        executor.execute(() -> admit(channel, onAdmitted));
    }

    private void admit(Channel channel, Runnable onAdmitted) {
        if (!channel.isActive()) {
            return; // gone before its turn
        }
        if (members.size() >= maxClients) {
            rejectedClients.incrementAndGet();
            log.info("chat client {} turned away: server full", channel.remoteAddress());
            channel.writeAndFlush(ChatLines.encode(channel.alloc(), "! server full")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String nick;
        do {
            nick = "guest-" + guests.incrementAndGet();
        } while (nicks.putIfAbsent(key(nick), channel) != null);
        channel.attr(NICK).set(nick);
        int online = ++admitted;
        // Queued before the channel is a member, so no broadcast can reach it ahead of its welcome.
        send(channel, "* welcome " + nick + ", " + online + " online. /help lists commands");
        members.add(channel);
        membership.incrementAndGet();
        log.debug("chat client {} joined from {}", nick, channel.remoteAddress());
        unannounced.add(new Change(true, channel, nick, online, onAdmitted));
        announce();
    }

    /** Removes a member that has closed and tells the others. Does nothing for a channel never admitted. */
    void leave(Channel channel) {
        executor.execute(() -> remove(channel));
    }

    private void remove(Channel channel) {
        String nick = channel.attr(NICK).getAndSet(null);
        if (nick == null) {
            return;
        }
        log.debug("chat client {} left", nick);
        nicks.remove(key(nick), channel);
        members.remove(channel);
        membership.incrementAndGet();
        unannounced.add(new Change(false, channel, nick, --admitted, null));
        announce();
    }

    /** A join or a leave not announced yet; {@code online} is the count right after it. */
    private record Change(boolean joined, Channel channel, String nick, int online, Runnable onAdmitted) {
    }

    /**
     * On the room's executor: announces the joins and leaves not announced yet, unless the last announcement is
     * still being handed to the event loops, in which case they wait for it to finish. One at a time: a burst of
     * n clients joining would otherwise cost n notices to each of up to n members, n² writes that a room of
     * thousands cannot drain, while the loops fall behind and the notices pile up in memory. Consecutive joins
     * make one line, as do consecutive leaves ({@code * a, b, c joined (n online)}), so a burst costs one
     * notice per announcement instead; a lone join or leave is announced at once, as it always was. A lone
     * newcomer is not told of its own arrival (its welcome did that); in a line naming several, each newcomer
     * learns of the others. Each newcomer's {@code onAdmitted} runs after the line that announces it is queued.
     */
    private void announce() {
        if (announcing || unannounced.isEmpty()) {
            return;
        }
        List<Change> changes = new ArrayList<>(unannounced);
        unannounced.clear();
        announcing = true;
        Announcement announcement = new Announcement();
        for (int from = 0; from < changes.size(); ) {
            int to = from + 1;
            while (to < changes.size() && changes.get(to).joined() == changes.get(from).joined()) {
                to++;
            }
            List<Change> group = changes.subList(from, to);
            if (!closing) {
                Change last = group.get(group.size() - 1);
                String line = "* " + nickList(group) + (last.joined() ? " joined (" : " left (") + last.online() + " online)";
                Channel except = group.size() == 1 ? last.channel() : null;
                broadcast(except, except != null ? except.alloc() : ByteBufAllocator.DEFAULT, line, announcement);
            }
            for (Change change : group) {
                if (change.onAdmitted() != null) {
                    change.channel().eventLoop().execute(change.onAdmitted());
                }
            }
            from = to;
        }
        announcement.loopDone();
    }

    /**
     * Counts the event loops still handing out an announcement's lines, plus one for {@link #announce} itself
     * until it has queued them all; the last one done lets the room announce what happened meanwhile.
     */
    private final class Announcement {
        private final AtomicInteger loops = new AtomicInteger(1);

        void loopStarted() {
            loops.incrementAndGet();
        }

        void loopDone() {
            if (loops.decrementAndGet() == 0) {
                executor.execute(() -> {
                    announcing = false;
                    announce();
                });
            }
        }
    }

    /** {@code a, b, c}: at most {@value #NICKS_PER_NOTICE} nicks, then {@code and <k> more}. */
    private static String nickList(List<Change> group) {
        StringBuilder names = new StringBuilder();
        int shown = Math.min(group.size(), NICKS_PER_NOTICE);
        for (int i = 0; i < shown; i++) {
            names.append(i == 0 ? "" : ", ").append(group.get(i).nick());
        }
        if (group.size() > shown) {
            names.append(" and ").append(group.size() - shown).append(" more");
        }
        return names.toString();
    }

    static String nickOf(Channel channel) {
        return channel.attr(NICK).get();
    }

    /** Sends {@code [nick] text} to every member but the sender. */
    void say(Channel sender, String text) {
        messagesReceived.incrementAndGet();
        messagesDelivered.addAndGet(broadcast(sender, sender.alloc(), "[" + nickOf(sender) + "] " + text, null));
    }

    /** Sends {@code * nick action} to every member but the sender. */
    void act(Channel sender, String action) {
        messagesReceived.incrementAndGet();
        messagesDelivered.addAndGet(broadcast(sender, sender.alloc(), "* " + nickOf(sender) + " " + action, null));
    }

    Rename rename(Channel channel, String wanted) {
        if (!VALID_NICK.matcher(wanted).matches()) {
            return Rename.INVALID;
        }
        String old = nickOf(channel);
        if (old.equals(wanted)) {
            return Rename.UNCHANGED;
        }
        if (!key(old).equals(key(wanted))) { // a change of case only keeps its entry
            if (nicks.putIfAbsent(key(wanted), channel) != null) {
                return Rename.TAKEN;
            }
            nicks.remove(key(old), channel);
        }
        channel.attr(NICK).set(wanted);
        send(channel, "* you are now " + wanted);
        broadcast(channel, channel.alloc(), "* " + old + " is now " + wanted, null);
        return Rename.DONE;
    }

    /** One line listing who is online, sorted ignoring case. */
    String who() {
        List<String> online = members.stream().map(ChatRoom::nickOf).filter(n -> n != null)
                .sorted(String.CASE_INSENSITIVE_ORDER).toList();
        return "* " + online.size() + " online: " + String.join(", ", online);
    }

    /** Cuts a member whose unread output passed the limit; {@link #leave} then runs as it closes. */
    void cutSlowConsumer(Channel channel, long limit) {
        slowConsumerCuts.incrementAndGet();
        log.warn("chat client {} at {} cut as a slow consumer: more than {} bytes of output pending",
                nickOf(channel), channel.remoteAddress(), limit);
        channel.close();
    }

    /**
     * Sends {@code notice} to every member, after what it was sent before, then closes each once its copy is
     * written. From then on the room keeps quiet about members leaving: nobody needs a hundred "left" lines before
     * the end.
     */
    public ChannelGroupFuture closeAll(String notice) {
        closing = true;
        for (Channel member : members) {
            onLoopOf(member, () -> {
                ChatOutbox outbox = ChatOutbox.of(member);
                outbox.add(notice);
                outbox.write(member.newPromise()).addListener(ChannelFutureListener.CLOSE);
            });
        }
        return members.newCloseFuture();
    }

    /** Opens {@code channel}'s outbox, before it joins: everything the room sends it goes there. */
    ChatOutbox openOutbox(Channel channel, int maxPending) {
        return ChatOutbox.open(channel, this, writers.computeIfAbsent(channel.eventLoop(), ChatOutbox.Writer::new),
                maxPending);
    }

    /** Sends {@code line} to one member, after what it was sent before; from any thread. */
    void send(Channel channel, String line) {
        onLoopOf(channel, () -> ChatOutbox.of(channel).add(line));
    }

    private static void onLoopOf(Channel channel, Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    /**
     * Sends {@code line} to every member but {@code except} (nobody when {@code null}): encoded once with
     * {@code alloc}, one task per event loop (not per member) carrying the shared buffer, which each member's
     * outbox copies. Fewer cross-thread wake-ups is what keeps a fan-out to thousands cheap. Each loop reports to
     * {@code announcement}, if given, when its members have their copies. Returns the number of recipients.
     */
    private int broadcast(Channel except, ByteBufAllocator alloc, String line, Announcement announcement) {
        Recipients all = recipients();
        int recipients = all.size() - (except != null && members.contains(except) ? 1 : 0);
        if (recipients <= 0) {
            return 0;
        }
        ByteBuf encoded = ChatLines.encode(alloc, line);
        try {
            for (LoopMembers group : all.byLoop()) {
                ByteBuf shared = encoded.retain();
                if (announcement != null) {
                    announcement.loopStarted();
                }
                if (group.loop().inEventLoop()) {
                    deliver(shared, group.outboxes(), except, announcement);
                } else {
                    group.loop().execute(() -> deliver(shared, group.outboxes(), except, announcement));
                }
            }
        } finally {
            encoded.release();
        }
        return recipients;
    }

    private static void deliver(ByteBuf shared, ChatOutbox[] recipients, Channel except, Announcement announcement) {
        try {
            for (ChatOutbox recipient : recipients) {
                if (recipient.channel() != except) {
                    recipient.add(shared);
                }
            }
        } finally {
            shared.release();
            if (announcement != null) {
                announcement.loopDone();
            }
        }
    }

    /**
     * The members' outboxes grouped by event loop, as of a {@link #membership} count: built by the first broadcast
     * after a join or a leave and shared by every broadcast until the next, so a flood does not walk and group
     * the whole room again for each line.
     */
    private Recipients recipients() {
        long version = membership.get(); // read first: a snapshot of this version holds every change counted in it
        Recipients current = snapshot;
        if (current != null && current.version() == version) {
            return current;
        }
        Map<EventLoop, List<ChatOutbox>> byLoop = new IdentityHashMap<>();
        int size = 0;
        for (Channel member : members) {
            byLoop.computeIfAbsent(member.eventLoop(), loop -> new ArrayList<>()).add(ChatOutbox.of(member));
            size++;
        }
        LoopMembers[] groups = byLoop.entrySet().stream()
                .map(e -> new LoopMembers(e.getKey(), e.getValue().toArray(ChatOutbox[]::new)))
                .toArray(LoopMembers[]::new);
        Recipients built = new Recipients(version, groups, size);
        snapshot = built; // a racing builder may store an older one: the version check rebuilds it
        return built;
    }

    private record LoopMembers(EventLoop loop, ChatOutbox[] outboxes) {
    }

    private record Recipients(long version, LoopMembers[] byLoop, int size) {
    }

    private static String key(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    public int size() {
        return members.size();
    }

    /** Clients cut because their queued output passed the limit, since the room was made. */
    public long slowConsumerCuts() {
        return slowConsumerCuts.get();
    }

    /** Chat lines (messages and actions) clients sent to the room, since it was made. */
    public long messagesReceived() {
        return messagesReceived.get();
    }

    /** Copies of those lines handed to recipients, since the room was made. */
    public long messagesDelivered() {
        return messagesDelivered.get();
    }

    /** Clients turned away because the room was full, since the room was made. */
    public long rejectedClients() {
        return rejectedClients.get();
    }

    /** The members' channels, read-only: for diagnostics and tests. */
    public Set<Channel> members() {
        return Collections.unmodifiableSet(members);
    }
}
