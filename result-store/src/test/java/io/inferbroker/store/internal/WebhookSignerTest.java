package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.store.StandardWebhooksVerifier;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TS = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void shouldReproduceThePublishedStandardWebhooksTestVector() {
        assertThat(WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID, TS, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void shouldSignWithEveryActiveSecretSoEitherVerifiesDuringARotation() {
        SecureRandom random = new SecureRandom();
        String old = WebhookSigner.newSecret(random);
        String fresh = WebhookSigner.newSecret(random);
        String header = WebhookSigner.signatures(List.of(fresh, old), ID, TS, BODY);
        Map<String, String> headers =
                Map.of("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", header);

        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(new StandardWebhooksVerifier(old).verify(headers, BODY, TS)).isTrue();
        assertThat(new StandardWebhooksVerifier(fresh).verify(headers, BODY, TS))
                .isTrue();
        assertThat(new StandardWebhooksVerifier(WebhookSigner.newSecret(random)).verify(headers, BODY, TS))
                .isFalse();
        assertThat(new StandardWebhooksVerifier(old).verify(headers, BODY + " ", TS))
                .isFalse();
    }

    @Test
    void shouldMakeSecretsOfThirtyTwoRandomBytesWithThePrefix() {
        String secret = WebhookSigner.newSecret(new SecureRandom());
        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    }
}
