package io.epollhub.chat;

/**
 * What may reach other people's terminals. C0 controls (but TAB), DEL and the C1 range are removed, so
 * nobody can clear screens, ring bells, move cursors or start escape sequences (ESC, or CSI as U+009B)
 * on everyone else's terminal.
 */
final class ChatText {

    private ChatText() {
    }

    static String clean(String text) {
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text; // the common case: nothing to remove, no copy
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }
}
