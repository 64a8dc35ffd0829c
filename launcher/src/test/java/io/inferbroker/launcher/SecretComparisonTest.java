package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.SimpleName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No secret is compared with a method whose time depends on where the values first differ: every
 * call of {@code equals}, {@code equalsIgnoreCase}, {@code contentEquals}, {@code compareTo},
 * {@code Arrays.equals}, {@code Objects.equals} (and {@code ==}) in the main sources of every module
 * is looked at, and one whose operands name a secret (an API or admin key, a signing secret, a
 * signature, a password, a bearer credential) fails this test. ("Token" is not such a name here: it
 * means a model's tokens.) Secrets are compared with
 * {@code MessageDigest.isEqual} on digests of equal length, or looked up by their SHA-256.
 */
class SecretComparisonTest {
    /** Methods whose running time depends on the first difference of their operands. */
    private static final Set<String> EARLY_EXIT = Set.of(
            "equals",
            "equalsIgnoreCase",
            "contentEquals",
            "compareTo",
            "compareToIgnoreCase",
            "deepEquals",
            "mismatch");

    /** Names that hold a secret (matched against every name in an operand). */
    private static final Pattern SECRET = Pattern.compile(
            "(?i).*(secret|password|passwd|apikey|api_key|adminkey|admin_key|credential|signature|hmac|bearer"
                    + "|authorization).*");

    /** Names that match {@link #SECRET} but hold no secret. */
    private static final Pattern NOT_SECRET = Pattern.compile("(?i).*(id|ids|ref|env|name|prefix)$");

    /**
     * Comparisons that name a secret-like word but compare no secret, each with the reason, as
     * {@code "File.java: expression"}.
     */
    private static final Map<String, String> ALLOWED = Map.of();

    private static final JavaParser PARSER =
            new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21));

    @Test
    void shouldCompareNoSecretWithAnEarlyExitComparison() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources;
        try (Stream<Path> modules = Files.list(root)) {
            sources = modules.map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .flatMap(SecretComparisonTest::javaFiles)
                    .toList();
        }
        assertThat(sources).as("main sources found under " + root).hasSizeGreaterThan(100);
        List<String> found = new ArrayList<>();
        for (Path source : sources) {
            for (String hit : offending(source.getFileName().toString(), Files.readString(source))) {
                if (!ALLOWED.containsKey(hit)) {
                    found.add(root.relativize(source) + " -> " + hit);
                }
            }
        }
        assertThat(found)
                .as("secrets compared with an early-exit comparison; use MessageDigest.isEqual on digests")
                .isEmpty();
    }

    @Test
    void shouldFindTheComparisonsItForbids() {
        String source = """
                class Guard {
                    boolean a(String secret, String given) { return secret.equals(given); }
                    boolean b(byte[] apiKey, byte[] given) { return java.util.Arrays.equals(apiKey, given); }
                    boolean c(Key key, String header) { return header.equalsIgnoreCase(key.secret()); }
                    boolean d(String signature, String expected) { return java.util.Objects.equals(signature, expected); }
                    boolean e(String adminKey, String given) { return adminKey == given; }
                    boolean ok(byte[] secret, byte[] given) { return java.security.MessageDigest.isEqual(secret, given); }
                    boolean ok2(String keyId, String other) { return keyId.equals(other); }
                }
                """;
        assertThat(offending("Guard.java", source)).hasSize(5).noneMatch(h -> h.contains("isEqual"));
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    /** The early-exit comparisons of secrets in one source file, as {@code "File.java: expression"}. */
    private static List<String> offending(String file, String source) {
        ParseResult<CompilationUnit> parsed = PARSER.parse(source);
        CompilationUnit unit = parsed.getResult()
                .filter(u -> parsed.isSuccessful())
                .orElseThrow(() -> new IllegalStateException("cannot parse " + file + ": " + parsed.getProblems()));
        List<String> hits = new ArrayList<>();
        unit.findAll(MethodCallExpr.class).forEach(call -> {
            if (!EARLY_EXIT.contains(call.getNameAsString())) {
                return;
            }
            List<Node> operands = new ArrayList<>(call.getArguments());
            call.getScope().filter(s -> !isUtilityClass(s)).ifPresent(operands::add);
            if (operands.stream().anyMatch(SecretComparisonTest::namesSecret)) {
                hits.add(file + ": " + call);
            }
        });
        unit.findAll(BinaryExpr.class).forEach(b -> {
            boolean identity =
                    b.getOperator() == BinaryExpr.Operator.EQUALS || b.getOperator() == BinaryExpr.Operator.NOT_EQUALS;
            // A comparison with a literal (null, a length of 0) tells nothing of a secret's value.
            boolean withLiteral = b.getLeft().isLiteralExpr() || b.getRight().isLiteralExpr();
            if (identity && !withLiteral && (namesSecret(b.getLeft()) || namesSecret(b.getRight()))) {
                hits.add(file + ": " + b);
            }
        });
        return hits;
    }

    /** {@code Arrays}, {@code Objects}, {@code java.util.Arrays}: a static call's class, not an operand. */
    private static boolean isUtilityClass(Expression scope) {
        String text = scope.toString();
        return text.endsWith("Arrays") || text.endsWith("Objects");
    }

    private static boolean namesSecret(Node operand) {
        return operand.findAll(SimpleName.class).stream()
                .map(SimpleName::getIdentifier)
                .anyMatch(n ->
                        SECRET.matcher(n).matches() && !NOT_SECRET.matcher(n).matches());
    }
}
