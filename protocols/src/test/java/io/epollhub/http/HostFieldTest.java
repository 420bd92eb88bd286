package io.epollhub.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostFieldTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "localhost:", "localhost:8080", "127.0.0.1:80", "[::1]", "[::1]:443",
            "[v1.fe80::a+en1]", "xn--bcher-kva.example", "a%2Eb", "under_score.example", "a!$&'()*+,;=~"})
    void acceptsUriHostAndPort(String host) {
        assertTrue(HostField.valid(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "a b", "a/b", "a?b", "a#b", "user@host", "a:80:80", "a:8o", "[::1", "[]", "[::1]x",
            "[::1]:x", "a%2", "a%zz", "a\"b", "é.example", "a\\b", "[::1]]"})
    void refusesTheRest(String host) {
        assertFalse(HostField.valid(host), host);
    }
}
