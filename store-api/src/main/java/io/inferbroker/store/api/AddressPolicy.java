package io.inferbroker.store.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which addresses a webhook may connect to: any public address, and internal ones (private,
 * loopback, link-local with the cloud metadata address, unique-local, carrier-grade NAT, unspecified,
 * multicast) only when an allow-list block covers them. Immutable and thread-safe.
 */
public final class AddressPolicy {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final List<Block> allowed;

    public AddressPolicy(List<String> allowList) {
        this.allowed = allowList.stream()
                .map(s -> parseBlock(s, "webhooks.allow_list"))
                .toList();
    }

    /** True when a webhook may connect to this address. */
    public boolean permits(InetAddress address) {
        return !isInternal(address) || allowed.stream().anyMatch(b -> b.contains(address));
    }

    /**
     * Resolves a host name (or reads an IP literal) and refuses it when any of its addresses is
     * refused: the check of a webhook target, at registration and before each connection.
     *
     * @throws RefusedTargetException naming the host and the refused address
     * @throws UnknownHostException when the name does not resolve
     */
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> all = Arrays.asList(InetAddress.getAllByName(host));
        for (InetAddress a : all) {
            if (!permits(a)) {
                throw new RefusedTargetException("refused: " + host + " resolves to internal address "
                        + a.getHostAddress() + " (not in webhooks.allow_list)");
            }
        }
        return all;
    }

    /** True for the addresses a request forger aims at: anything not on the public internet. */
    public static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240; // reserved and broadcast
        }
        if (a instanceof Inet6Address six) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7, with fd00:ec2::254 (a cloud metadata address)
            }
            if (six.isIPv4CompatibleAddress()) {
                return true;
            }
            // IPv4-mapped ::ffff:a.b.c.d written as IPv6: judge the IPv4 address inside
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Parses an allow-list entry: an IP address or a CIDR block of literal addresses (no host names,
     * which could change what they resolve to).
     *
     * @throws IllegalArgumentException naming {@code key} when the entry is not one
     */
    public static Block parseBlock(String entry, String key) {
        String text = entry.trim();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (host.isEmpty() || !LITERAL.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    key + " entries must be IP addresses or CIDR blocks (10.0.0.0/8), was '" + entry + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + " entry '" + entry + "' is not an IP address", e);
        }
        int max = address.getAddress().length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException(
                        key + " entry '" + entry + "' needs a prefix length from 0 to " + max);
            }
        }
        return new Block(address.getAddress(), bits);
    }

    /** A CIDR block. */
    public record Block(byte[] network, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
