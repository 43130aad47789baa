package dev.golt.charts;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks a YAML value against a CRD's structural OpenAPI schema the way the API server would:
 * types, required fields, enums, bounds and patterns; plus fields the schema does not know,
 * which the server would silently prune (an example with one would not do what it says).
 */
final class StructuralSchema {

    private final List<String> problems = new ArrayList<>();

    private StructuralSchema() {
    }

    static List<String> problems(JSONSchemaProps schema, Object value) {
        StructuralSchema check = new StructuralSchema();
        check.check("", schema, value);
        return check.problems;
    }

    private void check(String path, JSONSchemaProps schema, Object value) {
        if (value == null) {
            return;
        }
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            if (!(value instanceof Number || value instanceof String)) {
                problems.add(path + ": expected an integer or a string, got " + value);
            }
            return;
        }
        String type = Objects.requireNonNullElse(schema.getType(), "");
        switch (type) {
            case "object" -> checkObject(path, schema, value);
            case "array" -> {
                if (!(value instanceof List<?> items)) {
                    problems.add(path + ": expected an array, got " + value);
                    return;
                }
                for (int i = 0; i < items.size(); i++) {
                    check(path + "[" + i + "]", schema.getItems().getSchema(), items.get(i));
                }
            }
            case "integer" -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    problems.add(path + ": expected an integer, got " + value);
                    return;
                }
                checkBounds(path, schema, ((Number) value).doubleValue());
            }
            case "number" -> {
                if (!(value instanceof Number number)) {
                    problems.add(path + ": expected a number, got " + value);
                    return;
                }
                checkBounds(path, schema, number.doubleValue());
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    problems.add(path + ": expected a boolean, got " + value);
                }
            }
            case "string" -> {
                if (!(value instanceof String text)) {
                    problems.add(path + ": expected a string, got " + value);
                    return;
                }
                if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(text).find()) {
                    problems.add(path + ": '" + text + "' does not match " + schema.getPattern());
                }
            }
            default -> problems.add(path + ": schema without a type");
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()
                && schema.getEnum().stream().noneMatch(e -> e.asText().equals(String.valueOf(value)))) {
            problems.add(path + ": '" + value + "' is not one of " + schema.getEnum());
        }
    }

    private void checkObject(String path, JSONSchemaProps schema, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(path + ": expected an object, got " + value);
            return;
        }
        Map<String, JSONSchemaProps> properties = Objects.requireNonNullElse(schema.getProperties(), Map.of());
        for (String required : Objects.requireNonNullElse(schema.getRequired(), List.<String>of())) {
            if (!map.containsKey(required)) {
                problems.add(path + ": missing required field " + required);
            }
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String field = String.valueOf(entry.getKey());
            String fieldPath = path + "." + field;
            if (properties.containsKey(field)) {
                check(fieldPath, properties.get(field), entry.getValue());
            } else if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
                check(fieldPath, schema.getAdditionalProperties().getSchema(), entry.getValue());
            } else if (!Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
                problems.add(fieldPath + ": unknown field (the API server would drop it)");
            }
        }
    }

    private void checkBounds(String path, JSONSchemaProps schema, double number) {
        if (schema.getMinimum() != null && number < schema.getMinimum()) {
            problems.add(path + ": " + number + " is below the minimum " + schema.getMinimum());
        }
        if (schema.getMaximum() != null && number > schema.getMaximum()) {
            problems.add(path + ": " + number + " is above the maximum " + schema.getMaximum());
        }
    }
}
