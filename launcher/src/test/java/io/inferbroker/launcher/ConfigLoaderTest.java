package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.JobKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void shouldUseDefaultsWithEmbeddedInfrastructureAndSimulatedModel() {
        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of(), Optional.empty());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.kafkaBootstrapServers()).isEmpty();
        assertThat(c.dbUrl()).isEmpty();
        assertThat(c.models()).extracting(ModelSpec::id).containsExactly("sim-echo");
        assertThat(c.models().getFirst().routing()).isEqualTo("cost");
        assertThat(c.workers()).extracting(WorkerSpec::id).containsExactly("sim-1", "sim-2");
        assertThat(c.workers()).allSatisfy(w -> {
            assertThat(w.models()).containsExactly("sim-echo");
            assertThat(w.adapter()).isEqualTo("sim");
        });
        assertThat(c.workers().get(0).outputPerMillion())
                .isLessThan(c.workers().get(1).outputPerMillion());
    }

    @Test
    void shouldPreferFlagsOverEnvironmentOverFile() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                port: 7000
                kafka:
                  bootstrap_servers: file:9092
                db:
                  pool_size: 3
                """);
        BrokerConfig c = ConfigLoader.load(
                Map.of("port", "9000"),
                Map.of("BROKER_PORT", "8000", "BROKER_KAFKA_BOOTSTRAP_SERVERS", "env:9092"),
                Optional.of(file));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.kafkaBootstrapServers()).contains("env:9092");
        assertThat(c.dbPoolSize()).isEqualTo(3);
    }

    @Test
    void shouldNameTheEnvironmentVariableOfABadValue() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BROKER_DB_POOL_SIZE", "0"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("BROKER_DB_POOL_SIZE must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BROKER_PORT", "eighty"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("BROKER_PORT must be an integer, was 'eighty'");
    }

    @Test
    void shouldNameUnknownKeysOfTheConfigFile() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), "kafka:\n  bootstrap: x:1\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'kafka.bootstrap'")
                .hasMessageContaining("kafka.bootstrap_servers");
        Path workers =
                Files.writeString(dir.resolve("w.yaml"), "workers:\n  - id: w\n    models: [sim-echo]\n    speed: 2\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(workers)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers[0].speed");
    }

    @Test
    void shouldReadModelsAndWorkersWithPerItemDefaults() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: fast
                  - id: vectors
                    kind: embedding
                workers:
                  - id: w1
                    models: [fast, vectors]
                    capacity: 8
                    output_per_million: 0.5
                """);
        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of(), Optional.of(file));
        assertThat(c.models())
                .extracting(ModelSpec::id, ModelSpec::kind, ModelSpec::maxBatchSize)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("fast", JobKind.CHAT, 16),
                        org.assertj.core.groups.Tuple.tuple("vectors", JobKind.EMBEDDING, 16));
        WorkerSpec w = c.workers().getFirst();
        assertThat(w.capacity()).isEqualTo(8);
        assertThat(w.outputPerMillion()).isEqualByComparingTo("0.5");
        assertThat(w.adapter()).isEqualTo("sim");
    }

    @Test
    void shouldReadDefaultRateLimitsAndPerModelQueueLimits() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                limits:
                  requests_per_minute: 60
                models:
                  - id: sim-echo
                    max_queued: 500
                  - id: other
                """);
        BrokerConfig c =
                ConfigLoader.load(Map.of(), Map.of("BROKER_LIMITS_TOKENS_PER_MINUTE", "40000"), Optional.of(file));

        assertThat(c.requestsPerMinute()).isEqualTo(60);
        assertThat(c.tokensPerMinute()).isEqualTo(40_000);
        assertThat(c.models()).extracting(ModelSpec::maxQueued).containsExactly(500, 0);
        BrokerConfig defaults = ConfigLoader.load(Map.of(), Map.of(), Optional.empty());
        assertThat(defaults.requestsPerMinute()).isZero();
        assertThat(defaults.tokensPerMinute()).isZero();
        assertThat(defaults.models()).extracting(ModelSpec::maxQueued).containsExactly(0);
    }

    @Test
    void shouldRefuseNegativeLimitsNamingTheKey() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(), Map.of("BROKER_LIMITS_REQUESTS_PER_MINUTE", "-1"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("BROKER_LIMITS_REQUESTS_PER_MINUTE must be between 0 and 2147483647, was -1");
        Path file = Files.writeString(dir.resolve("broker.yaml"), "models:\n  - id: sim-echo\n    max_queued: -5\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("models[0].max_queued must be >= 0 (0 = unlimited), was -5");
    }

    @Test
    void shouldReadDispatchingSettingsPerModelAndTenantBudgets() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: fast
                    routing: cost
                    fallback: [spare]
                    max_batch_size: 16
                    preferred_batch_sizes: [8, 16]
                  - id: spare
                workers:
                  - id: w1
                    models: [fast]
                budgets:
                  - tenant: t-1
                    limit: 12.50
                """);
        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of(), Optional.of(file));

        assertThat(c.models().getFirst().routing()).isEqualTo("cost");
        assertThat(c.models().getFirst().fallback()).containsExactly("spare");
        assertThat(c.models().getFirst().preferredBatchSizes()).containsExactly(8, 16);
        assertThat(c.models().get(1).routing()).isEqualTo("least-loaded");
        assertThat(c.budgets())
                .containsExactly(new BudgetSpec("t-1", new java.math.BigDecimal("12.5"), "USD", "total"));
    }

    @Test
    void shouldReadTheDispatcherSectionEstimatePricesAndBudgetPeriods() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                dispatcher:
                  max_attempts: 5
                  priority_aging_ms: 250
                  worker_lease_ms: 3000
                  breaker_failures: 2
                  breaker_open_ms: 1500
                  job_timeout_ms: 900000
                  default_max_tokens: 512
                models:
                  - id: fast
                    estimate_price: {input_per_million: 0.2, output_per_million: 0.8, currency: EUR}
                workers:
                  - id: w1
                    models: [fast]
                budgets:
                  - tenant: t-1
                    limit: 100
                    period: month
                """);
        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of("BROKER_DISPATCHER_TICK_MS", "2"), Optional.of(file));

        DispatcherSettings d = c.dispatcher();
        assertThat(d.maxAttempts()).isEqualTo(5);
        assertThat(d.priorityAging()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(d.workerLease()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(d.breakerFailures()).isEqualTo(2);
        assertThat(d.breakerOpen()).isEqualTo(java.time.Duration.ofMillis(1500));
        assertThat(d.jobTimeout()).isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(d.defaultMaxTokens()).isEqualTo(512);
        assertThat(d.tick()).isEqualTo(java.time.Duration.ofMillis(2));
        assertThat(c.models().getFirst().estimatePrice())
                .isEqualTo(new ModelSpec.EstimatePrice(
                        new java.math.BigDecimal("0.2"), new java.math.BigDecimal("0.8"), "EUR"));
        assertThat(c.budgets().getFirst().budgetPeriod()).isEqualTo(io.inferbroker.dispatcher.BudgetPeriod.MONTH);
        assertThat(ConfigLoader.load(Map.of(), Map.of(), Optional.empty())
                        .dispatcher()
                        .jobTimeout())
                .isEqualTo(java.time.Duration.ofMinutes(30));
    }

    @Test
    void shouldNameTheKeyOfBadDispatcherSettings() throws IOException {
        assertThatThrownBy(() ->
                        ConfigLoader.load(Map.of(), Map.of("BROKER_DISPATCHER_MAX_ATTEMPTS", "0"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("BROKER_DISPATCHER_MAX_ATTEMPTS must be between 1 and 100");
        Path period =
                Files.writeString(dir.resolve("p.yaml"), "budgets:\n  - tenant: t\n    limit: 1\n    period: weekly\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(period)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("budgets[0].period: the budget period must be total, day or month");
        Path price = Files.writeString(
                dir.resolve("e.yaml"), "models:\n  - id: m\n    estimate_price: {input_per_million: -1}\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(price)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("models[0].estimate_price needs");
        Path timeout = Files.writeString(dir.resolve("t.yaml"), """
                dispatcher:
                  job_timeout_ms: 60000
                workers:
                  - id: w
                    models: [sim-echo]
                    adapter: openai
                    base_url: http://127.0.0.1:9/v1
                    request_timeout_ms: 120000
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(timeout)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be longer than workers[0].request_timeout_ms (120000 ms)");
    }

    @Test
    void shouldNameTheKeyOfBadDispatchingSettings() throws IOException {
        Path routing = Files.writeString(dir.resolve("r.yaml"), "models:\n  - id: m\n    routing: cheapest\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(routing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("models[0].routing: routing strategy must be one of [cost, least-loaded,");
        Path fallback = Files.writeString(dir.resolve("f.yaml"), "models:\n  - id: m\n    fallback: [nope]\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(fallback)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("models[0].fallback names 'nope'");
        Path sizes = Files.writeString(
                dir.resolve("s.yaml"), "models:\n  - id: m\n    max_batch_size: 4\n    preferred_batch_sizes: [8]\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(sizes)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("models[0].preferred_batch_sizes must lie between 1 and max_batch_size 4");
        Path budget = Files.writeString(dir.resolve("b.yaml"), "budgets:\n  - tenant: t\n    limit: -1\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(budget)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("budgets[0].limit must be >= 0, was -1");
    }

    @Test
    void shouldRefuseWorkersServingUnknownModels() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                workers:
                  - id: w1
                    models: [nope]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers[0].models names 'nope'");
    }

    @Test
    void shouldReadAnOpenAiWorkerWithItsKeyFromTheEnvironmentAndNeverPrintIt() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: llama-8b
                workers:
                  - id: vllm-1
                    adapter: openai
                    models: [llama-8b]
                    base_url: http://gpu-1:8000/v1
                    api_key_env: VLLM_KEY
                    model_map: {llama-8b: meta-llama/Llama-3.1-8B-Instruct}
                    first_token_timeout_ms: 1500
                    shutdown_grace_ms: 5000
                    model_prices: {llama-8b: {output_per_million: 0.9}}
                """);

        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of("VLLM_KEY", "sk-live-123"), Optional.of(file));

        WorkerSpec w = c.workers().getFirst();
        assertThat(w.adapter()).isEqualTo("openai");
        assertThat(w.apiKey()).isEqualTo("sk-live-123");
        assertThat(w.modelMap()).containsEntry("llama-8b", "meta-llama/Llama-3.1-8B-Instruct");
        assertThat(w.firstTokenTimeoutMs()).isEqualTo(1500);
        assertThat(w.streaming()).isTrue();
        assertThat(w.modelPrices().get("llama-8b").in("USD").outputPerMillion()).isEqualByComparingTo("0.9");
        assertThat(w.modelPrices().get("llama-8b").in("USD").inputPerMillion()).isZero();
        assertThat(c.toString()).doesNotContain("sk-live-123");
        assertThat(RoleWiring.endpoint(w).toString()).doesNotContain("sk-live-123");
    }

    @Test
    void shouldNameTheSettingAnHttpWorkerLacks() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                workers:
                  - id: triton
                    adapter: kserve
                    models: [sim-echo]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("workers[0].base_url is required for adapter 'kserve'");
        Path unset = Files.writeString(dir.resolve("unset.yaml"), """
                workers:
                  - id: vllm
                    adapter: openai
                    models: [sim-echo]
                    base_url: http://gpu:8000/v1
                    api_key_env: NOT_SET_ANYWHERE
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(unset)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers[0].api_key_env names NOT_SET_ANYWHERE");
        Path adapter = Files.writeString(dir.resolve("adapter.yaml"), """
                workers:
                  - id: w
                    adapter: grpc
                    models: [sim-echo]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(adapter)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers[0].adapter must be one of");
    }

    @Test
    void shouldExplainAMissingConfigFile() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(dir.resolve("absent.yaml"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("absent.yaml does not exist");
    }

    @Test
    void shouldReadTheSyncTimeoutOfTheOpenAiEndpoints() {
        assertThat(ConfigLoader.load(Map.of(), Map.of(), Optional.empty()).syncTimeout())
                .isEqualTo(Duration.ofSeconds(120));
        assertThat(ConfigLoader.load(Map.of(), Map.of("BROKER_HTTP_SYNC_TIMEOUT_MS", "2500"), Optional.empty())
                        .syncTimeout())
                .isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(
                        () -> ConfigLoader.load(Map.of(), Map.of("BROKER_HTTP_SYNC_TIMEOUT_MS", "0"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BROKER_HTTP_SYNC_TIMEOUT_MS");
    }

    @Test
    void shouldReadTheWebhooksSectionWithListsAsYamlSequences() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                webhooks:
                  allow_list: [127.0.0.1, 10.0.0.0/8]
                  schedule: [1s, 2m, 3h]
                  timeout_ms: 5000
                store:
                  retention_days: 7
                """);
        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of(), Optional.of(file));
        assertThat(c.webhooks().allowList()).containsExactly("127.0.0.1", "10.0.0.0/8");
        assertThat(c.webhooks().schedule())
                .containsExactly(Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofHours(3));
        assertThat(c.webhooks().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retention().keep()).isEqualTo(Duration.ofDays(7));
        BrokerConfig defaults = ConfigLoader.load(Map.of(), Map.of(), Optional.empty());
        assertThat(defaults.webhooks().maxAttempts()).isEqualTo(10);
        assertThat(defaults.webhooks().timeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void shouldNameTheWebhooksKeyOfABadValue() {
        assertThatThrownBy(() ->
                        ConfigLoader.load(Map.of(), Map.of("BROKER_WEBHOOKS_SCHEDULE", "5s,soon"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BROKER_WEBHOOKS_SCHEDULE")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(), Map.of("BROKER_WEBHOOKS_ALLOW_LIST", "localhost"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhooks.allow_list");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BROKER_WEBHOOKS_JITTER", "2"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhooks.jitter");
        assertThatThrownBy(
                        () -> ConfigLoader.load(Map.of(), Map.of("BROKER_WEBHOOKS_TIMEOUT_MS", "0"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BROKER_WEBHOOKS_TIMEOUT_MS");
    }

    @Test
    void shouldReadTheRetentionBatchAndIntervalKeepingTheirDefaults() throws IOException {
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                store:
                  retention_batch_rows: 250
                  retention_interval_ms: 30000
                """);
        BrokerConfig c = ConfigLoader.load(Map.of(), Map.of(), Optional.of(file));
        assertThat(c.retention().batchSize()).isEqualTo(250);
        assertThat(c.retention().interval()).isEqualTo(Duration.ofSeconds(30));
        BrokerConfig defaults = ConfigLoader.load(Map.of(), Map.of(), Optional.empty());
        assertThat(defaults.retention().batchSize()).isEqualTo(1000);
        assertThat(defaults.retention().interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.retention().keep()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void shouldNameTheRetentionKeyOfABadValue() throws IOException {
        assertThatThrownBy(() ->
                        ConfigLoader.load(Map.of(), Map.of("BROKER_STORE_RETENTION_BATCH_ROWS", "0"), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BROKER_STORE_RETENTION_BATCH_ROWS")
                .hasMessageContaining("between 1 and 100000");
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                store:
                  retention_interval_ms: soon
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'store.retention_interval_ms'")
                .hasMessageContaining("'soon'");
    }
}
