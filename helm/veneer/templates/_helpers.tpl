{{/* Names and labels. */}}
{{- define "veneer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "veneer.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains (include "veneer.name" .) .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "veneer.name" .) | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: (list $ "control-plane"). */}}
{{- define "veneer.component" -}}
{{- printf "%s-%s" (include "veneer.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{- define "veneer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "veneer.name" (index . 0) }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "veneer.labels" -}}
{{ include "veneer.selectorLabels" . }}
app.kubernetes.io/version: {{ (index . 0).Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ (index . 0).Release.Service }}
app.kubernetes.io/part-of: veneer
helm.sh/chart: {{ printf "%s-%s" (index . 0).Chart.Name (index . 0).Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* An image reference: (list $ .Values.controlPlane.image). */}}
{{- define "veneer.image" -}}
{{- $root := index . 0 -}}
{{- $image := index . 1 -}}
{{- $tag := default $root.Chart.AppVersion $image.tag -}}
{{- if $root.Values.imageRegistry -}}
{{- printf "%s/%s:%s" $root.Values.imageRegistry $image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "veneer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "veneer.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "veneer.podSpecCommon" -}}
serviceAccountName: {{ include "veneer.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Preferred or required anti-affinity of one component's pods: (list $ "control-plane" "soft"). */}}
{{- define "veneer.antiAffinity" -}}
{{- $mode := index . 2 -}}
{{- if eq $mode "soft" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "veneer.selectorLabels" (list (index . 0) (index . 1)) | nindent 14 }}
{{- else if eq $mode "hard" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "veneer.selectorLabels" (list (index . 0) (index . 1)) | nindent 12 }}
{{- end }}
{{- end -}}

{{/* Health probes on the public port (/livez, /readyz: the actuator's probe groups, served there
     as well), so that they also tell whether the port serving requests answers; startup allows a
     slow first start (Flyway migrations). */}}
{{- define "veneer.actuatorProbes" -}}
startupProbe:
  httpGet:
    path: /livez
    port: {{ . }}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /livez
    port: {{ . }}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ . }}
  periodSeconds: 5
  failureThreshold: 3
{{- end -}}

{{/* The writable scratch directory of a read-only root file system. */}}
{{- define "veneer.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
The Secret whose certificate every gRPC listener serves (agent gateway, public gRPC API, golden
image service), or empty when gRPC is in clear by the explicit grpcTls.plaintext; fails when neither.
*/}}
{{- define "veneer.grpcTlsSecret" -}}
{{- if .Values.grpcTls.plaintext -}}
{{- if .Values.grpcTls.secretName -}}
{{- fail "grpcTls.secretName and grpcTls.plaintext exclude each other" -}}
{{- end -}}
{{- else -}}
{{- required "grpcTls.secretName is required: a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt) whose certificate names the control plane's and golden image service's Services (or grpcTls.plaintext=true, development only)" .Values.grpcTls.secretName -}}
{{- end -}}
{{- end -}}

{{/* Where the gRPC TLS Secret is mounted, in the containers that serve or dial gRPC. */}}
{{- define "veneer.grpcTlsVolumeMount" -}}
- name: grpc-tls
  mountPath: {{ .Values.grpcTls.mountPath }}
  readOnly: true
{{- end -}}

{{- define "veneer.grpcTlsVolume" -}}
- name: grpc-tls
  secret:
    secretName: {{ include "veneer.grpcTlsSecret" . }}
    defaultMode: 0440
{{- end -}}

{{/* PostgreSQL. */}}
{{- define "veneer.databaseHost" -}}
{{- if .Values.postgresql.enabled -}}
{{- if .Values.externalDatabase.host -}}
{{- fail "externalDatabase.host and postgresql.enabled exclude each other" -}}
{{- end -}}
{{- include "veneer.component" (list . "postgresql") -}}
{{- else -}}
{{- required "externalDatabase.host is required (or postgresql.enabled=true for a bundled one)" .Values.externalDatabase.host -}}
{{- end -}}
{{- end -}}

{{- define "veneer.databasePort" -}}
{{- if .Values.postgresql.enabled -}}5432{{- else -}}{{ .Values.externalDatabase.port }}{{- end -}}
{{- end -}}

{{- define "veneer.jdbcUrl" -}}
{{- printf "jdbc:postgresql://%s:%s/%s" (include "veneer.databaseHost" (index . 0)) (include "veneer.databasePort" (index . 0)) (index . 1) -}}
{{- end -}}

{{/*
Where each credential comes from: an existing Secret named in values; else the release's Secret
when the value is given; else the Secret generated at the first install (kept on upgrades, see
secret.yaml). Each takes (list $ existingSecret existingKey given key).
*/}}
{{- define "veneer.credentialRef" -}}
{{- $root := index . 0 -}}
{{- if index . 1 -}}
name: {{ index . 1 }}
key: {{ index . 2 }}
{{- else if index . 3 -}}
name: {{ include "veneer.fullname" $root }}
key: {{ index . 4 }}
{{- else -}}
name: {{ include "veneer.fullname" $root }}-generated
key: {{ index . 4 }}
{{- end -}}
{{- end -}}

{{/* Every credential of the release: key -> (existingSecret, existingKey, given value). */}}
{{- define "veneer.credentials" -}}
{{- $v := .Values -}}
database-password: [{{ $v.externalDatabase.existingSecret | quote }}, {{ $v.externalDatabase.existingSecretPasswordKey | quote }}, {{ $v.externalDatabase.password | quote }}]
images-api-token: [{{ $v.goldenImageService.existingSecret | quote }}, {{ $v.goldenImageService.existingSecretApiTokenKey | quote }}, {{ $v.goldenImageService.apiToken | quote }}]
images-agent-token: [{{ $v.goldenImageService.existingSecret | quote }}, {{ $v.goldenImageService.existingSecretAgentTokenKey | quote }}, {{ $v.goldenImageService.agentToken | quote }}]
portal-client-secret: [{{ $v.externalKeycloak.portalClient.existingSecret | quote }}, {{ $v.externalKeycloak.portalClient.existingSecretKey | quote }}, {{ $v.externalKeycloak.portalClient.secret | quote }}]
{{- if (include "veneer.keycloakUrl" .) }}
directory-client-secret: [{{ $v.externalKeycloak.directoryClient.existingSecret | quote }}, {{ $v.externalKeycloak.directoryClient.existingSecretKey | quote }}, {{ $v.externalKeycloak.directoryClient.secret | quote }}]
{{- end }}
{{- if $v.keycloak.enabled }}
keycloak-admin-password: [{{ $v.keycloak.existingSecret | quote }}, {{ $v.keycloak.existingSecretPasswordKey | quote }}, {{ $v.keycloak.adminPassword | quote }}]
{{- end }}
{{- end -}}

{{/* A secretKeyRef's name and key for one credential of veneer.credentials: (list $ "database-password"). */}}
{{- define "veneer.secretRef" -}}
{{- $root := index . 0 -}}
{{- $key := index . 1 -}}
{{- $source := index (include "veneer.credentials" $root | fromYaml) $key -}}
{{- include "veneer.credentialRef" (list $root (index $source 0) (index $source 1) (index $source 2) $key) -}}
{{- end -}}

{{/* Kafka. */}}
{{- define "veneer.kafkaBootstrap" -}}
{{- if .Values.kafka.enabled -}}
{{- if .Values.externalKafka.bootstrapServers -}}
{{- fail "externalKafka.bootstrapServers and kafka.enabled exclude each other" -}}
{{- end -}}
{{- printf "%s:9092" (include "veneer.component" (list . "kafka")) -}}
{{- else -}}
{{- required "externalKafka.bootstrapServers is required (or kafka.enabled=true for a bundled one)" .Values.externalKafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/* Kafka client settings (externalKafka.properties) as a ConfigMap's variables; Spring binds
VENEER_KAFKA_PROPERTIES_SECURITY_PROTOCOL to veneer.kafka.properties[security.protocol]. */}}
{{- define "veneer.kafkaProperties" -}}
{{- range $name, $value := .Values.externalKafka.properties }}
VENEER_KAFKA_PROPERTIES_{{ $name | upper | replace "." "_" }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The secret ones (externalKafka.secretProperties) as a container's env entries. */}}
{{- define "veneer.kafkaSecretProperties" -}}
{{- range $name, $ref := .Values.externalKafka.secretProperties }}
- name: VENEER_KAFKA_PROPERTIES_{{ $name | upper | replace "." "_" }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName | quote }}
      key: {{ $ref.key | quote }}
{{- end }}
{{- end -}}

{{/* Keycloak: the issuer tokens name, the keys, the base URL for the directory client. */}}
{{- define "veneer.issuerUri" -}}
{{- if .Values.keycloak.enabled -}}
{{- if or .Values.externalKeycloak.issuerUri .Values.externalKeycloak.url -}}
{{- fail "externalKeycloak.issuerUri/url and keycloak.enabled exclude each other" -}}
{{- end -}}
{{- printf "https://%s/realms/%s" .Values.keycloak.host .Values.externalKeycloak.realm -}}
{{- else -}}
{{- required "externalKeycloak.issuerUri is required (or keycloak.enabled=true for a bundled one)" .Values.externalKeycloak.issuerUri | trimSuffix "/" -}}
{{- end -}}
{{- end -}}

{{- define "veneer.keycloakUrl" -}}
{{- if .Values.keycloak.enabled -}}
{{- printf "http://%s:8080" (include "veneer.component" (list . "keycloak")) -}}
{{- else -}}
{{- .Values.externalKeycloak.url | trimSuffix "/" -}}
{{- end -}}
{{- end -}}

{{- define "veneer.jwkSetUri" -}}
{{- if .Values.keycloak.enabled -}}
{{- printf "%s/realms/%s/protocol/openid-connect/certs" (include "veneer.keycloakUrl" .) .Values.externalKeycloak.realm -}}
{{- else -}}
{{- printf "%s/protocol/openid-connect/certs" (include "veneer.issuerUri" .) -}}
{{- end -}}
{{- end -}}

{{/* In-cluster URLs of the services. */}}
{{- define "veneer.controlPlaneUrl" -}}
{{- printf "http://%s:%v" (include "veneer.component" (list . "control-plane")) .Values.controlPlane.ports.http -}}
{{- end -}}

{{- define "veneer.imagesUrl" -}}
{{- printf "http://%s:%v" (include "veneer.component" (list . "golden-image-service")) .Values.goldenImageService.ports.http -}}
{{- end -}}

{{- define "veneer.agentGateway" -}}
{{- printf "%s:%v" (include "veneer.component" (list . "control-plane-agents")) .Values.controlPlane.ports.agentGrpc -}}
{{- end -}}

{{/* Pool-matching labels as the agent takes them: key=value,key=value (sorted). */}}
{{- define "veneer.agentLabels" -}}
{{- $pairs := list -}}
{{- range $key, $value := . -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/*
Consoles (values.yaml, consoles): "true" when the chart generates their two Secrets, empty when
both are given or consoles are off; fails when only one is given.
*/}}
{{- define "veneer.consolesGenerated" -}}
{{- $c := .Values.consoles -}}
{{- if $c.enabled -}}
{{- if and $c.grantKeySecret (not $c.caSecret) -}}
{{- fail "consoles.grantKeySecret is given but consoles.caSecret is not: give both Secrets, or neither for generated ones (consoles.enabled=false turns consoles off)" -}}
{{- end -}}
{{- if and $c.caSecret (not $c.grantKeySecret) -}}
{{- fail "consoles.caSecret is given but consoles.grantKeySecret is not: give both Secrets, or neither for generated ones (consoles.enabled=false turns consoles off)" -}}
{{- end -}}
{{- if not $c.grantKeySecret -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the console grant key (grant.key) and its public half (grant.pub). */}}
{{- define "veneer.consoleGrantSecret" -}}
{{- .Values.consoles.grantKeySecret | default (printf "%s-console-grant" (include "veneer.fullname" .)) -}}
{{- end -}}

{{/* The kubernetes.io/tls Secret of the CA of the agents' console listeners. */}}
{{- define "veneer.consoleCaSecret" -}}
{{- .Values.consoles.caSecret | default (printf "%s-console-ca" (include "veneer.fullname" .)) -}}
{{- end -}}

{{/* Where the console Secrets are mounted. */}}
{{- define "veneer.consoleGrantDir" -}}{{ .Values.consoles.mountPath }}/grant{{- end -}}
{{- define "veneer.consoleCaDir" -}}{{ .Values.consoles.mountPath }}/ca{{- end -}}
