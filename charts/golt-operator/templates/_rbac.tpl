{{/*
The operator's RBAC needs come from files/rbac-requirements.yaml, a copy of the operator's own
statement (operator/src/main/resources/rbac-requirements.yaml) that RbacTest keeps identical.
*/}}
{{- define "golt-operator.requiredRules" -}}
{{- $requirements := .Files.Get "files/rbac-requirements.yaml" | fromYaml }}
{{- if or (hasKey $requirements "Error") (not $requirements.rules) }}
{{- fail "files/rbac-requirements.yaml is missing or malformed: copy it from operator/src/main/resources" }}
{{- end }}
{{- toYaml $requirements.rules }}
{{- end }}

{{/* Cluster-scoped resources (group/resource): a Role cannot grant them, so they always go to a ClusterRole. */}}
{{- define "golt-operator.clusterScopedResources" -}}
{{- list "storage.k8s.io/storageclasses" "/nodes" "/namespaces" "/persistentvolumes" "apiextensions.k8s.io/customresourcedefinitions" "rbac.authorization.k8s.io/clusterroles" "rbac.authorization.k8s.io/clusterrolebindings" | toJson }}
{{- end }}

{{/*
The required rules split by scope, as YAML {namespaced: [rules], cluster: [rules]}. A rule that
names both kinds of resources is split in two, keeping its groups and verbs.
*/}}
{{- define "golt-operator.rulesByScope" -}}
{{- $clusterScoped := include "golt-operator.clusterScopedResources" . | fromJsonArray }}
{{- $namespacedRules := list }}
{{- $clusterRules := list }}
{{- range $rule := include "golt-operator.requiredRules" . | fromYamlArray }}
{{- $namespacedResources := list }}
{{- $clusterResources := list }}
{{- range $resource := $rule.resources }}
{{- $base := first (splitList "/" $resource) }}
{{- $isCluster := false }}
{{- range $group := $rule.apiGroups }}
{{- if has (printf "%s/%s" $group $base) $clusterScoped }}{{ $isCluster = true }}{{ end }}
{{- end }}
{{- if $isCluster }}
{{- $clusterResources = append $clusterResources $resource }}
{{- else }}
{{- $namespacedResources = append $namespacedResources $resource }}
{{- end }}
{{- end }}
{{- if $namespacedResources }}
{{- $namespacedRules = append $namespacedRules (dict "apiGroups" $rule.apiGroups "resources" $namespacedResources "verbs" $rule.verbs) }}
{{- end }}
{{- if $clusterResources }}
{{- $clusterRules = append $clusterRules (dict "apiGroups" $rule.apiGroups "resources" $clusterResources "verbs" $rule.verbs) }}
{{- end }}
{{- end }}
{{- toYaml (dict "namespaced" $namespacedRules "cluster" $clusterRules) }}
{{- end }}
