package io.epollhub.chat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChatTextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "plain text | plain text",
            "\u001b[31mred\u001b[0m | [31mred[0m",
            "a\u0000b\u0001c\u001fd | abcd",
            "tab\there | tab\there",
            "del\u007f c1\u0085\u009b | del c1",
            "ünïcödé ✓ | ünïcödé ✓"})
    void controlCharactersOtherThanTabAreRemoved(String in, String out) {
        assertEquals(out, ChatText.clean(in));
    }
}
