package dev.golt.e2e.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the operator asked the API server, read from the control plane's audit log (every request
 * made with a service-account token is logged, see {@link ControlPlane}): so a scenario run can
 * show that the chart's RBAC never refused the operator and that the operator wrote only what
 * changed.
 */
record OperatorAudit(List<Request> requests) {

    /** One request: verb, {@code group/resource[/subresource]}, the object's path, HTTP code, RBAC decision. */
    record Request(String verb, String resource, String object, int code, String decision) {
    }

    static OperatorAudit read(Path auditLog, String serviceAccountUser) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Request> requests = new ArrayList<>();
        for (String line : Files.readAllLines(auditLog)) {
            JsonNode event = json.readTree(line);
            if (!serviceAccountUser.equals(event.path("user").path("username").asText())) {
                continue;
            }
            JsonNode ref = event.path("objectRef");
            String resource = ref.path("apiGroup").asText("") + "/" + ref.path("resource").asText()
                    + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
            String object = ref.path("namespace").asText("") + "/" + ref.path("name").asText("");
            requests.add(new Request(event.path("verb").asText(), resource, object,
                    event.path("responseStatus").path("code").asInt(),
                    event.path("annotations").path("authorization.k8s.io/decision").asText()));
        }
        return new OperatorAudit(requests);
    }

    /** Requests RBAC refused. */
    List<Request> denied() {
        return requests.stream().filter(r -> !"allow".equals(r.decision())).toList();
    }

    /** Writes ({@code update}, {@code patch}) per object and resource, most first. */
    Map<String, Long> writesPerObject() {
        Map<String, Long> writes = new TreeMap<>();
        requests.stream().filter(r -> r.verb().equals("update") || r.verb().equals("patch"))
                .forEach(r -> writes.merge(r.resource() + " " + r.object(), 1L, Long::sum));
        return writes;
    }

    /** How often each {@code verb group/resource} was used. */
    Map<String, Long> verbsUsed() {
        Map<String, Long> used = new TreeMap<>();
        requests.forEach(r -> used.merge(r.verb() + " " + r.resource(), 1L, Long::sum));
        return used;
    }
}
