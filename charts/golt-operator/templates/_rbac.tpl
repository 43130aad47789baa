{{/*
What the operator may do in each namespace it watches. Kept equal to the operator's own
statement of its needs (operator/src/main/resources/rbac-requirements.yaml) by RbacTest.
*/}}
{{- define "golt-operator.watchedNamespaceRules" -}}
- apiGroups: ["golt.dev"]
  resources: ["goltclusters"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["golt.dev"]
  resources: ["goltclusters/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["golt.dev"]
  resources: ["goltclusters/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "delete"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
