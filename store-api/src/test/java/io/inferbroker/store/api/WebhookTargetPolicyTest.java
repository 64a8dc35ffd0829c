package io.inferbroker.store.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookTargetPolicyTest {
    private final WebhookTargetPolicy strict = new WebhookTargetPolicy(List.of());

    @Test
    void shouldRefuseInternalAddressesAndNamesResolvingToThem() {
        for (String url : List.of(
                "http://127.0.0.1:8080/x",
                "http://10.0.0.7/x",
                "http://172.16.3.4/x",
                "http://192.168.1.1/x",
                "http://169.254.169.254/latest/meta-data",
                "http://[fd00:ec2::254]/x",
                "http://[::1]/x",
                "http://[::ffff:10.0.0.1]/x",
                "http://0.0.0.0/x",
                "http://239.1.2.3/x",
                "http://localhost/x")) {
            assertThat(strict.refusal(URI.create(url)))
                    .as(url)
                    .hasValueSatisfying(reason ->
                            assertThat(reason).contains("internal address").contains("webhooks.allow_list"));
        }
    }

    @Test
    void shouldAcceptPublicAddressesAllowListedOnesAndNamesThatDoNotResolveYet() {
        assertThat(strict.refusal(URI.create("https://93.184.215.14/hook"))).isEmpty();
        assertThat(strict.refusal(URI.create("https://[2606:4700::1111]/hook"))).isEmpty();
        assertThat(strict.refusal(URI.create("https://receiver.example.invalid/hook")))
                .isEmpty();
        WebhookTargetPolicy allowing = new WebhookTargetPolicy(List.of("127.0.0.0/8", "::1", "10.1.0.0/16"));
        assertThat(allowing.refusal(URI.create("http://localhost:9000/hook"))).isEmpty();
        assertThat(allowing.refusal(URI.create("http://10.1.2.3/hook"))).isEmpty();
        assertThat(allowing.refusal(URI.create("http://10.2.0.1/hook"))).isPresent();
    }

    @Test
    void shouldNameTheAllowListKeyOfABadEntry() {
        assertThatThrownBy(() -> new WebhookTargetPolicy(List.of("intranet.local")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhooks.allow_list");
    }
}
