{{- define "spo.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "spo.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "spo.labels" -}}
app.kubernetes.io/name: {{ include "spo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "spo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "spo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "spo.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* "true" when the replicas shard the resources: sharding.enabled, or with "auto" more than one replica. */}}
{{- define "spo.sharding" -}}
{{- if eq (toString .Values.sharding.enabled) "auto" -}}
{{- gt (int .Values.replicaCount) 1 -}}
{{- else -}}
{{- .Values.sharding.enabled -}}
{{- end -}}
{{- end -}}

{{- define "spo.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.leaseNamespace -}}
{{- end -}}

{{/* The rules the operator needs on SmtpProbes and Events, and nothing more. */}}
{{- define "spo.watchRules" -}}
- apiGroups: ["smtpprobe.io"]
  resources: ["smtpprobes"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["smtpprobe.io"]
  resources: ["smtpprobes/status"]
  verbs: ["update", "patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- if .Values.auth.readSecrets }}
{{/* spec.auth.secretRef of authenticated submission probes: get only (no list or watch, so no Secret is
read that no SmtpProbe names), and only where the operator watches */}}
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end }}
{{- end -}}

{{/* The operator's HTTP port as the pod's spec, Service and NetworkPolicy name it: the container port "http",
or with hostNetwork its number (that pod declares no ports, see deployment.yaml). */}}
{{- define "spo.httpPort" -}}
{{- if .Values.hostNetwork -}}{{ .Values.httpPort }}{{- else -}}http{{- end -}}
{{- end -}}

{{/* What discovery needs beyond spo.watchRules: its sources, and the SmtpProbes it generates. */}}
{{- define "spo.discoveryRules" -}}
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["externaldns.k8s.io"]
  resources: ["dnsendpoints"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["smtpprobe.io"]
  resources: ["smtpprobes"]
  verbs: ["create", "update", "patch", "delete"]
{{- end -}}

{{/*
Where one trust setting comes from: the chart's ConfigMap (inline) or the user's, as a projected-volume
source; empty when unset. Args: dict "root" . "source" .Values.transportTrust.X "key" "file-name".
*/}}
{{- define "spo.trustSource" -}}
{{- if .source.inline }}
- configMap:
    name: {{ include "spo.fullname" .root }}-transport-trust
    items:
      - key: {{ .key }}
        path: {{ .key }}
{{- else if and .source.configMap .source.configMap.name }}
- configMap:
    name: {{ .source.configMap.name }}
    items:
      - key: {{ .source.configMap.key }}
        path: {{ .key }}
{{- end }}
{{- end }}
