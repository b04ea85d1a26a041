{{/* The labels of one app's objects; call with (dict "name" <app> "root" $). */}}
{{- define "agentos.labels" -}}
{{ include "agentos.selector" . }}
app.kubernetes.io/part-of: agentos
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end }}

{{/* The labels that select one app's pods. */}}
{{- define "agentos.selector" -}}
app.kubernetes.io/name: agentos-{{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* The NATS creds of a principal, mounted from its Secret. */}}
{{- define "agentos.credsVolume" -}}
- name: nats-creds
  secret: { secretName: {{ .secretName }}, defaultMode: 0400 }
{{- end }}
