package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code GET /openapi.json} (the OpenAPI 3.1 description, kept as YAML in the jar) and {@code GET
 * /docs} (Swagger UI from its WebJar, reading that description). Both are built once.
 */
public final class ApiDocsHandler {
    static final String SPEC_RESOURCE = "api/openapi.yaml";
    private static final String SWAGGER_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private final String spec;
    private final String page;

    public ApiDocsHandler() {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(resource(SPEC_RESOURCE));
            this.spec = new ObjectMapper().writeValueAsString(tree);
            Properties swagger = new Properties();
            try (InputStream in = resource(SWAGGER_POM)) {
                swagger.load(in);
            }
            this.page = page(swagger.getProperty("version"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the API description", e);
        }
    }

    public void spec(Context ctx) {
        ctx.contentType(JobsHandler.JSON).result(spec);
    }

    public void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private static InputStream resource(String name) {
        InputStream in = ApiDocsHandler.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing resource " + name);
        }
        return in;
    }

    private static String page(String swaggerVersion) {
        String base = "/webjars/swagger-ui/" + swaggerVersion + "/";
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Inferbroker API</title>
                  <link rel="stylesheet" href="%sswagger-ui.css">
                </head>
                <body>
                  <div id="api"></div>
                  <script src="%sswagger-ui-bundle.js"></script>
                  <script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#api", deepLinking: true});</script>
                </body>
                </html>
                """.formatted(base, base);
    }
}
