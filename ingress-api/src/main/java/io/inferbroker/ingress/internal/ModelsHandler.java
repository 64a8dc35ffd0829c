package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.ingress.ModelInfo;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** {@code GET /v1/models} in OpenAI's list shape, with the broker's own fields added. */
public final class ModelsHandler {
    private final String body;

    public ModelsHandler(ObjectMapper mapper, List<ModelInfo> models, Instant created) {
        ObjectNode list = mapper.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (ModelInfo m : models) {
            data.addObject()
                    .put("id", m.id())
                    .put("object", "model")
                    .put("created", created.getEpochSecond())
                    .put("owned_by", m.ownedBy())
                    .put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("simulator", m.simulator())
                    .put("description", m.description());
        }
        this.body = list.toString();
    }

    public void list(Context ctx) {
        ctx.contentType(JobsHandler.JSON).result(body);
    }
}
