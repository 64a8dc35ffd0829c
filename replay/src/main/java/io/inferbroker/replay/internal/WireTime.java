package io.inferbroker.replay.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Fast reading of the wire's timestamps. The broker writes {@link Instant#toString()} form
 * ({@code 2026-11-25T10:00:00.123456789Z}); that is parsed by hand, anything else (an offset other
 * than Z) by {@link OffsetDateTime#parse}.
 */
final class WireTime {
    private WireTime() {}

    /** Parses {@code len} characters of {@code buf} from {@code off}. */
    static Instant parse(char[] buf, int off, int len) {
        if (len < 20 || len > 30 || buf[off + len - 1] != 'Z' || buf[off + 4] != '-' || buf[off + 10] != 'T') {
            return slow(new String(buf, off, len));
        }
        if (len > 20 && buf[off + 19] != '.') {
            return slow(new String(buf, off, len));
        }
        long seconds = 0;
        int nanos = 0;
        int year = digits(buf, off, 4);
        int month = digits(buf, off + 5, 2);
        int day = digits(buf, off + 8, 2);
        int hour = digits(buf, off + 11, 2);
        int minute = digits(buf, off + 14, 2);
        int second = digits(buf, off + 17, 2);
        if ((year | month | day | hour | minute | second) < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour > 23
                || minute > 59
                || second > 59) {
            return slow(new String(buf, off, len));
        }
        if (len > 20) {
            int fracLen = len - 21;
            nanos = fracLen < 1 ? -1 : digits(buf, off + 20, fracLen);
            if (nanos < 0) {
                return slow(new String(buf, off, len));
            }
            for (int i = fracLen; i < 9; i++) {
                nanos *= 10;
            }
        }
        seconds = epochDay(year, month, day) * 86_400 + hour * 3600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The value of {@code len} decimal digits, or -1 when one is not a digit. */
    private static int digits(char[] buf, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = buf[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    static Instant parse(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(n - 1) != 'Z'
                || s.charAt(4) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(19) != '.' && n != 20) {
            return slow(s);
        }
        try {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 2);
            int day = digits(s, 8, 2);
            int hour = digits(s, 11, 2);
            int minute = digits(s, 14, 2);
            int second = digits(s, 17, 2);
            int nanos = 0;
            if (n > 20) {
                int fracLen = n - 21;
                if (fracLen < 1 || fracLen > 9) {
                    return slow(s);
                }
                nanos = digits(s, 20, fracLen);
                for (int i = fracLen; i < 9; i++) {
                    nanos *= 10;
                }
            }
            if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
                return slow(s);
            }
            long days = epochDay(year, month, day);
            return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
        } catch (NumberFormatException e) {
            return slow(s);
        }
    }

    private static Instant slow(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 time: '" + s + "'", e);
        }
    }

    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(s);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the algorithm of LocalDate.toEpochDay). */
    private static long epochDay(long year, int month, int day) {
        long total = 365 * year;
        if (year >= 0) {
            total += (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
        } else {
            total -= year / -4 - year / -100 + year / -400;
        }
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
            if (!leap) {
                total--;
            }
        }
        return total - 719_528;
    }
}
