#!/usr/bin/env bash
# The Camunda 8.8 docs' restore procedure (Elasticsearch) as people paste it into a script: kubectl to stop and start
# the applications, the docs' curl calls and index loop, `sleep 5` polling loops to wait. Used by
# scripts/bench-restore.mjs as the yardstick, against the same simulated cluster as the tool. The Elasticsearch URL
# stands for a port-forward that is already open, which favours this script (it pays no tunnel set-up); it makes
# none of the tool's checks, keeps no journal and verifies nothing but the success line.
set -euo pipefail
ID=$1 ES=$2 REPO=$3 NS=$4 RELEASE=$5
k() { kubectl -n "$NS" --request-timeout=30s "$@"; }
camunda() { k get deploy,sts -l "app.kubernetes.io/instance=$RELEASE" -o name | grep -v elasticsearch; }

# Record the replicas, then stop everything but Elasticsearch and wait until the pods are gone.
declare -A replicas
for w in $(camunda); do replicas[$w]=$(k get "$w" -o jsonpath='{.spec.replicas}'); done
for w in "${!replicas[@]}"; do k scale "$w" --replicas=0 >/dev/null; done
while [ -n "$(k get pods -l "app.kubernetes.io/instance=$RELEASE" -o name | grep -v elasticsearch || true)" ]; do sleep 5; done

# Delete the indices (the docs' loop), then restore every snapshot of the backup ID, one by one.
for index in $(curl -s "$ES/_cat/indices?h=index" | grep -E "(camunda|operate|tasklist|optimize|zeebe)"); do
  curl -s -X DELETE "$ES/$index" >/dev/null
done
for snapshot in $(curl -s "$ES/_snapshot/$REPO/_all" | jq -r '.snapshots[].snapshot' | grep -E "_${ID}(_|$)"); do
  curl -s -X POST "$ES/_snapshot/$REPO/$snapshot/_restore?wait_for_completion=true" >/dev/null
done

# Empty the Zeebe volumes, run the restore application through the chart's start script, watch the logs.
k get pvc -o name | grep zeebe | xargs kubectl -n "$NS" delete >/dev/null
k set env "statefulset/$RELEASE-zeebe" ZEEBE_RESTORE=true "ZEEBE_RESTORE_FROM_BACKUP_ID=$ID" SPRING_PROFILES_ACTIVE=restore >/dev/null
brokers=${replicas[statefulset.apps/$RELEASE-zeebe]}
k scale "statefulset/$RELEASE-zeebe" --replicas="$brokers" >/dev/null
for ((i = 0; i < brokers; i++)); do
  until logs=$({ k logs "$RELEASE-zeebe-$i"; k logs "$RELEASE-zeebe-$i" --previous; } 2>/dev/null || true) && [[ $logs == *"Successfully restored broker"* ]]; do sleep 5; done
done

# Start everything again: Zeebe without the restore env (scale 0 → N), then the rest; wait until all are ready.
k scale "statefulset/$RELEASE-zeebe" --replicas=0 >/dev/null
while [ -n "$(k get pods -l app.kubernetes.io/component=zeebe-broker -o name)" ]; do sleep 5; done
k set env "statefulset/$RELEASE-zeebe" ZEEBE_RESTORE=false ZEEBE_RESTORE_FROM_BACKUP_ID- SPRING_PROFILES_ACTIVE- >/dev/null
for w in "${!replicas[@]}"; do k scale "$w" --replicas="${replicas[$w]}" >/dev/null; done
for w in "${!replicas[@]}"; do
  until ready=$(k get "$w" -o jsonpath='{.status.readyReplicas}') && [ "${ready:-0}" = "${replicas[$w]}" ]; do sleep 5; done
done
