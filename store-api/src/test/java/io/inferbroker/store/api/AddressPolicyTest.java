package io.inferbroker.store.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    @Test
    void shouldRefuseInternalAddressesIncludingCloudMetadata() throws UnknownHostException {
        AddressPolicy policy = new AddressPolicy(List.of());
        for (String a : List.of(
                "127.0.0.1",
                "10.1.2.3",
                "172.16.0.1",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "0.0.0.0",
                "::1",
                "fe80::1",
                "fd00:ec2::254",
                "::ffff:127.0.0.1",
                "::ffff:a9fe:a9fe")) {
            assertThat(policy.permits(InetAddress.getByName(a))).as(a).isFalse();
        }
        assertThat(policy.permits(InetAddress.getByName("93.184.216.34"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("2606:4700::1111"))).isTrue();
    }

    @Test
    void shouldPermitOnlyWhatTheAllowListCovers() throws UnknownHostException {
        AddressPolicy policy = new AddressPolicy(List.of("127.0.0.1", "10.20.0.0/16"));
        assertThat(policy.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("10.20.99.1"))).isTrue();
        assertThat(policy.permits(InetAddress.getByName("10.21.0.1"))).isFalse();
        assertThat(policy.permits(InetAddress.getByName("::1"))).isFalse();
    }

    @Test
    void shouldRefuseHostNamesAndBadBlocksNamingTheKey() {
        assertThatThrownBy(() -> AddressPolicy.parseBlock("localhost", "webhooks.allow_list"))
                .hasMessageContaining("webhooks.allow_list")
                .hasMessageContaining("localhost");
        assertThatThrownBy(() -> AddressPolicy.parseBlock("10.0.0.0/33", "webhooks.allow_list"))
                .hasMessageContaining("prefix length from 0 to 32");
    }
}
