{{/* Release-scoped name prefix, at most 40 characters so that suffixed names stay under 63. */}}
{{- define "ft.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ft.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: finetune-platform
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "gateway-service"). */}}
{{- define "ft.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "ft.componentLabels" -}}
{{ include "ft.labels" .root }}
app.kubernetes.io/name: {{ .component }}
{{- end -}}

{{- define "ft.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .name (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* Object names */}}
{{- define "ft.kafkaCluster" -}}{{ include "ft.fullname" . }}-kafka{{- end -}}
{{- define "ft.pgCluster" -}}{{ include "ft.fullname" . }}-pg{{- end -}}
{{- define "ft.minio" -}}{{ include "ft.fullname" . }}-minio{{- end -}}
{{- define "ft.kafkaClientSecret" -}}{{ include "ft.fullname" . }}-kafka-client{{- end -}}

{{- define "ft.kafkaBootstrap" -}}
{{- if .Values.kafka.bundled -}}
{{- printf "%s-kafka-bootstrap:9092" (include "ft.kafkaCluster" .) -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required when kafka.bundled is false" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/* Replication factor for topics a service creates itself: the cluster's, never the services' local default of 1. */}}
{{- define "ft.topicReplicationFactor" -}}
{{- if .Values.kafka.bundled -}}
{{- .Values.kafka.strimzi.replicationFactor -}}
{{- else -}}
{{- .Values.kafka.topicReplicationFactor -}}
{{- end -}}
{{- end -}}

{{/* JDBC URL of one service's database: call with (dict "root" $ "database" "scheduler"). */}}
{{- define "ft.jdbcUrl" -}}
{{- if .root.Values.postgresql.bundled -}}
{{- printf "jdbc:postgresql://%s-rw:5432/%s" (include "ft.pgCluster" .root) .database -}}
{{- else -}}
{{- printf "jdbc:postgresql://%s:%v/%s" (required "postgresql.external.host is required when postgresql.bundled is false" .root.Values.postgresql.external.host) .root.Values.postgresql.external.port .database -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the database user (keys username, password): CNPG's app secret or an external one. */}}
{{- define "ft.pgSecret" -}}
{{- if .Values.postgresql.bundled -}}
{{- printf "%s-app" (include "ft.pgCluster" .) -}}
{{- else -}}
{{- required "postgresql.external.existingSecret is required when postgresql.bundled is false" .Values.postgresql.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "ft.s3Url" -}}
{{- if .Values.objectStore.bundled -}}
{{- printf "http://%s:9000" (include "ft.minio" .) -}}
{{- else -}}
{{- required "objectStore.url is required when objectStore.bundled is false" .Values.objectStore.url -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the S3 credentials (keys accessKey, secretKey). */}}
{{- define "ft.s3Secret" -}}
{{- default (printf "%s-s3" (include "ft.fullname" .)) .Values.objectStore.existingSecret -}}
{{- end -}}

{{/* Environment of every service or trainer that talks to Kafka. */}}
{{- define "ft.env.kafka" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "ft.kafkaBootstrap" . | quote }}
{{- end -}}

{{- define "ft.env.datasource" -}}
- name: QUARKUS_DATASOURCE_JDBC_URL
  value: {{ include "ft.jdbcUrl" . | quote }}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "ft.pgSecret" .root }}
      key: username
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "ft.pgSecret" .root }}
      key: password
{{- end -}}

{{/* S3 endpoint (quarkus-minio's `host`, which the services configure) and credentials. */}}
{{- define "ft.env.s3" -}}
- name: QUARKUS_MINIO_HOST
  value: {{ include "ft.s3Url" . | quote }}
- name: QUARKUS_MINIO_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "ft.s3Secret" . }}
      key: accessKey
- name: QUARKUS_MINIO_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "ft.s3Secret" . }}
      key: secretKey
{{- end -}}

{{/* Sum of the enabled lanes' slots: the scheduler's total trainer slots. */}}
{{- define "ft.totalSlots" -}}
{{- $total := 0 -}}
{{- range $name, $lane := .Values.trainers.lanes -}}
{{- if $lane.enabled -}}{{- $total = add $total $lane.slots -}}{{- end -}}
{{- end -}}
{{- $total -}}
{{- end -}}
