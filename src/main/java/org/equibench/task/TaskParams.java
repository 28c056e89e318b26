package org.equibench.task;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equibench.data.Json;

/**
 * A task's hyperparameters: one record per task, the one source of the spec's {@code params}, of the Java
 * rows' typed view of them and of the parameter tables in PROTOCOL.md. Components are written snake_case.
 */
public interface TaskParams {

    /** The spec's {@code params} object. */
    default Map<String, Object> toSpec() {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = Json.MAPPER.convertValue(this, LinkedHashMap.class);
        return params;
    }

    /**
     * The typed params of a spec, strictly: a missing, unknown or mistyped param is an error naming it, since an
     * ignored one would let two rows silently compute different things.
     */
    static <P extends TaskParams> P fromSpec(Map<String, Object> params, Class<P> type) {
        ObjectReader reader = Json.MAPPER.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        try {
            return reader.readValue((com.fasterxml.jackson.databind.JsonNode) Json.MAPPER.valueToTree(params == null ? Map.of() : params));
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "" : "params." + e.getPath().get(e.getPath().size() - 1).getFieldName() + ": ";
            throw new IllegalArgumentException("spec: " + field + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("spec: params: " + e.getMessage(), e);
        }
    }
}
