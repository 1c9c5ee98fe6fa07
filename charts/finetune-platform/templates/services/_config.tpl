{{/*
Plain configuration of one service (env var -> value) for its ConfigMap: the wiring the chart
derives from values, then the service's own `config` map from values. Secrets are not here: they are
secretKeyRefs in the Deployment. Call with (dict "root" $ "key" "gateway" "svc" $svc).
*/}}
{{- define "ft.serviceConfig" -}}
{{- $root := .root -}}
{{- $cfg := dict "QUARKUS_HTTP_HOST" "0.0.0.0" "QUARKUS_HTTP_PORT" (toString .svc.port) -}}
{{- if eq .key "gateway" -}}
{{- $fullname := include "ft.fullname" $root -}}
{{- $_ := set $cfg "QUARKUS_REST_CLIENT_DATASET_SERVICE_URL" (printf "http://%s-dataset:%v" $fullname $root.Values.services.dataset.port) -}}
{{- $_ := set $cfg "QUARKUS_REST_CLIENT_SCHEDULER_SERVICE_URL" (printf "http://%s-scheduler:%v" $fullname $root.Values.services.scheduler.port) -}}
{{- $_ := set $cfg "QUARKUS_REST_CLIENT_PROGRESS_SERVICE_URL" (printf "http://%s-progress:%v" $fullname $root.Values.services.progress.port) -}}
{{- $_ := set $cfg "QUARKUS_REST_CLIENT_SERVING_SERVICE_URL" (printf "http://%s-serving:%v" $fullname $root.Values.services.serving.port) -}}
{{- $_ := set $cfg "MP_JWT_VERIFY_ISSUER" $root.Values.auth.jwt.issuer -}}
{{- $_ := set $cfg "MP_JWT_VERIFY_PUBLICKEY_LOCATION" $root.Values.auth.jwt.publicKeyLocation -}}
{{- end -}}
{{- if eq .key "progress" -}}
{{- $_ := set $cfg "PROGRESS_TOPICS_REPLICATION_FACTOR" (include "ft.topicReplicationFactor" $root) -}}
{{- /* the API's stale / accuracyDropped flags at the thresholds of the ModelStale / ModelAccuracyDropped alerts */ -}}
{{- $_ := set $cfg "PROGRESS_MODELS_STALE_AFTER" (printf "PT%vH" $root.Values.monitoring.rules.modelStaleAfterHours) -}}
{{- $_ := set $cfg "PROGRESS_MODELS_ACCURACY_DROP" (toString $root.Values.monitoring.rules.modelAccuracyDrop) -}}
{{- end -}}
{{- if eq .key "serving" -}}
{{- $_ := set $cfg "SERVING_TOPIC_REPLICATION_FACTOR" (include "ft.topicReplicationFactor" $root) -}}
{{- end -}}
{{- if eq .key "scheduler" -}}
{{- $_ := set $cfg "SCHEDULER_SLOTS" (include "ft.totalSlots" $root) -}}
{{- $_ := set $cfg "SCHEDULER_DISPATCH_TRAINER_GROUP" $root.Values.trainers.consumerGroup -}}
{{- $_ := set $cfg "SCHEDULER_KUBERNETES_ENABLED" (toString $root.Values.services.scheduler.kubernetesAccess) -}}
{{- if and $root.Values.services.scheduler.kubernetesAccess $root.Values.services.scheduler.capacityFromNodes -}}
{{- range $name, $lane := $root.Values.trainers.lanes -}}
{{- if and $lane.enabled $lane.gpu $lane.nodeSelector -}}
{{- $selector := list -}}
{{- range $k, $v := $lane.nodeSelector -}}
{{- $selector = append $selector (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- $prefix := printf "SCHEDULER_KUBERNETES_LANES_%s_" (upper $name) -}}
{{- $_ := set $cfg (printf "%sNODE_SELECTOR" $prefix) (join "," $selector) -}}
{{- $_ := set $cfg (printf "%sGPU_RESOURCE" $prefix) $lane.gpu.resource -}}
{{- $_ := set $cfg (printf "%sGPUS_PER_TRAINER" $prefix) (toString $lane.gpu.count) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $name, $lane := $root.Values.trainers.lanes -}}
{{- if $lane.enabled -}}
{{- $prefix := printf "SCHEDULER_LANES_%s_" (upper $name) -}}
{{- $_ := set $cfg (printf "%sTOPIC" $prefix) $lane.topic -}}
{{- $_ := set $cfg (printf "%sSLOTS" $prefix) (toString $lane.slots) -}}
{{- $_ := set $cfg (printf "%sPARTITIONS" $prefix) (toString $lane.partitions) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (merge (deepCopy .svc.config) $cfg) -}}
{{- end -}}
