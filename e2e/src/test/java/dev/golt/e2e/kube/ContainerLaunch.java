package dev.golt.e2e.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kubelet would run for a pod's container, translated to this host: the runner's
 * entrypoint (the image is ignored) followed by the container's {@code args}, with Kubernetes
 * {@code $(VAR)} expansion over the container environment, which is built like the kubelet does
 * (envFrom ConfigMaps/Secrets first, then env in order, with downward-API field references and
 * ConfigMap/Secret key references). Every volume mount path occurring in an argument or
 * environment value is replaced by the host folder backing that volume.
 */
record ContainerLaunch(List<String> command, Map<String, String> env) {

    /** Looks up a ConfigMap or Secret by namespace and name; returns null if absent. */
    interface Objects {
        ConfigMap configMap(String namespace, String name);

        Secret secret(String namespace, String name);
    }

    static ContainerLaunch of(Pod pod, Container container, List<String> entrypoint,
                              Map<String, Path> hostPathByMountPath, Objects objects) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            String prefix = Optional.ofNullable(from.getPrefix()).orElse("");
            if (from.getConfigMapRef() != null) {
                ConfigMap cm = objects.configMap(ns, from.getConfigMapRef().getName());
                require(cm != null || Boolean.TRUE.equals(from.getConfigMapRef().getOptional()),
                        "configmap " + from.getConfigMapRef().getName());
                if (cm != null && cm.getData() != null) {
                    cm.getData().forEach((k, v) -> env.put(prefix + k, v));
                }
            }
            if (from.getSecretRef() != null) {
                Secret secret = objects.secret(ns, from.getSecretRef().getName());
                require(secret != null || Boolean.TRUE.equals(from.getSecretRef().getOptional()),
                        "secret " + from.getSecretRef().getName());
                if (secret != null) {
                    secretData(secret).forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        for (EnvVar var : container.getEnv()) {
            String value = var.getValueFrom() != null
                    ? valueFrom(pod, var.getValueFrom(), objects)
                    : expand(Optional.ofNullable(var.getValue()).orElse(""), env);
            if (value != null) {
                env.put(var.getName(), value);
            }
        }
        env.replaceAll((k, v) -> toHostPaths(v, hostPathByMountPath));
        List<String> command = new ArrayList<>(entrypoint);
        for (String arg : container.getArgs()) {
            command.add(toHostPaths(expand(arg, env), hostPathByMountPath));
        }
        return new ContainerLaunch(List.copyOf(command), Map.copyOf(env));
    }

    /** Kubernetes variable expansion: {@code $(NAME)} if NAME is defined, {@code $$} escapes {@code $}, anything else stays. */
    static String expand(String text, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                int end = next == '(' ? text.indexOf(')', i + 2) : -1;
                if (end > 0 && vars.containsKey(text.substring(i + 2, end))) {
                    out.append(vars.get(text.substring(i + 2, end)));
                    i = end + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /**
     * Replaces every mount path standing as a whole path (or path prefix) in {@code value} in one
     * pass, longest first: a host folder put in for one mount is never rewritten for another (a
     * data volume under {@code /tmp/...} on the host with an emptyDir mounted at {@code /tmp}).
     */
    static String toHostPaths(String value, Map<String, Path> hostPathByMountPath) {
        if (hostPathByMountPath.isEmpty()) {
            return value;
        }
        List<String> mountPaths = new ArrayList<>(hostPathByMountPath.keySet());
        mountPaths.sort(Comparator.comparingInt(String::length).reversed());
        Pattern any = Pattern.compile("(?<![\\w./-])(" + String.join("|", mountPaths.stream().map(Pattern::quote).toList())
                + ")(?![\\w.-])");
        return any.matcher(value).replaceAll(m -> Matcher.quoteReplacement(hostPathByMountPath.get(m.group(1)).toString()));
    }

    private static String valueFrom(Pod pod, EnvVarSource source, Objects objects) {
        String ns = pod.getMetadata().getNamespace();
        if (source.getFieldRef() != null) {
            return field(pod, source.getFieldRef().getFieldPath());
        }
        if (source.getConfigMapKeyRef() != null) {
            var ref = source.getConfigMapKeyRef();
            ConfigMap cm = objects.configMap(ns, ref.getName());
            String value = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
            require(value != null || Boolean.TRUE.equals(ref.getOptional()), "configmap key " + ref.getName() + "/" + ref.getKey());
            return value;
        }
        if (source.getSecretKeyRef() != null) {
            var ref = source.getSecretKeyRef();
            Secret secret = objects.secret(ns, ref.getName());
            String value = secret == null ? null : secretData(secret).get(ref.getKey());
            require(value != null || Boolean.TRUE.equals(ref.getOptional()), "secret key " + ref.getName() + "/" + ref.getKey());
            return value;
        }
        throw new IllegalArgumentException("unsupported env source in the test kubelet: " + source);
    }

    private static final Pattern MAP_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)']");

    private static String field(Pod pod, String path) {
        Matcher m = MAP_FIELD.matcher(path);
        if (m.matches()) {
            Map<String, String> map = m.group(1).equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
            return map == null ? "" : map.getOrDefault(m.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> Optional.ofNullable(pod.getSpec().getServiceAccountName()).orElse("default");
            case "status.podIP", "status.podIPs" -> pod.getStatus().getPodIP();
            case "status.hostIP", "status.hostIPs" -> "127.0.0.1";
            default -> throw new IllegalArgumentException("unsupported fieldRef in the test kubelet: " + path);
        };
    }

    private static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        return data;
    }

    private static void require(boolean present, String what) {
        if (!present) {
            throw new IllegalStateException("missing " + what + " (CreateContainerConfigError)");
        }
    }
}
