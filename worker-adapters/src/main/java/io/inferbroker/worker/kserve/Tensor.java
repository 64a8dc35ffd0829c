package io.inferbroker.worker.kserve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One named tensor of the v2 protocol with its data flattened in row-major order.
 *
 * @param shape the dimensions, for a job's input without the batch dimension
 */
record Tensor(String name, String datatype, List<Long> shape, List<JsonNode> data) {

    Tensor {
        shape = List.copyOf(shape);
        data = List.copyOf(data);
    }

    /** Elements the shape holds. */
    static long elements(List<Long> shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Reads a tensor of a job's input or of a server's answer; throws with a message when malformed. */
    static Tensor read(JsonNode node, String where) {
        if (!node.path("name").isTextual() || node.path("name").asText().isEmpty()) {
            throw new IllegalArgumentException(where + " needs a 'name'");
        }
        String name = node.get("name").asText();
        if (!node.path("datatype").isTextual()) {
            throw new IllegalArgumentException(where + " '" + name + "' needs a 'datatype' such as FP32");
        }
        JsonNode shapeNode = node.path("shape");
        if (!shapeNode.isArray()) {
            throw new IllegalArgumentException(where + " '" + name + "' needs a 'shape' array");
        }
        List<Long> shape = new ArrayList<>();
        for (JsonNode d : shapeNode) {
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new IllegalArgumentException(where + " '" + name + "' has a bad dimension " + d);
            }
            shape.add(d.asLong());
        }
        List<JsonNode> data = new ArrayList<>();
        flatten(node.path("data"), data);
        if (!node.path("data").isArray() || data.size() != elements(shape)) {
            throw new IllegalArgumentException(where + " '" + name + "' has shape " + shape + " (" + elements(shape)
                    + " elements) but " + data.size() + " data elements");
        }
        return new Tensor(name, node.get("datatype").asText(), shape, data);
    }

    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, out));
        } else if (!node.isMissingNode()) {
            out.add(node);
        }
    }

    /** The wire form. */
    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name).put("datatype", datatype);
        ArrayNode dims = node.putArray("shape");
        shape.forEach(dims::add);
        ArrayNode values = node.putArray("data");
        data.forEach(values::add);
        return node;
    }

    /** The signature jobs must share to be stacked: name, datatype and shape. */
    String signature() {
        return name + ":" + datatype + ":" + shape;
    }
}
