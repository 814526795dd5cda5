#!/usr/bin/env bash
# The Camunda 8.7 docs' backup procedure as people paste it into a script: the docs' curl calls, jq, and
# `sleep 5` polling loops. Used by scripts/bench.mjs as the baseline, against the same simulators as the tool.
# The URLs stand for port-forwards that are already open, which favours this script (it pays no tunnel set-up).
set -euo pipefail
ID=$1 OPTIMIZE=$2 OPERATE=$3 TASKLIST=$4 GATEWAY=$5 ES=$6 REPO=$7

json='Content-Type: application/json'
curl -s -X POST "$OPTIMIZE/actuator/backups" -H "$json" -d "{\"backupId\": $ID}" >/dev/null
curl -s -X POST "$OPERATE/actuator/backups" -H "$json" -d "{\"backupId\": $ID}" >/dev/null
curl -s -X POST "$TASKLIST/actuator/backups" -H "$json" -d "{\"backupId\": $ID}" >/dev/null
for app in "$OPTIMIZE" "$OPERATE" "$TASKLIST"; do
  while [[ "$(curl -s "$app/actuator/backups/$ID" | jq -r .state)" != "COMPLETED" ]]; do sleep 5; done
done

curl -s -X POST "$GATEWAY/actuator/exporting/pause?soft=true" >/dev/null
curl -s -X PUT "$ES/_snapshot/$REPO/camunda_zeebe_records_backup_$ID?wait_for_completion=true" \
  -H "$json" -d '{"indices": "zeebe-record*", "feature_states": ["none"]}' >/dev/null
while [[ "$(curl -s "$ES/_snapshot/$REPO/camunda_zeebe_records_backup_$ID/_status" | jq -r '.snapshots[0].state')" != "SUCCESS" ]]; do sleep 5; done

curl -s -X POST "$GATEWAY/actuator/backups" -H "$json" -d "{\"backupId\": $ID}" >/dev/null
while [[ "$(curl -s "$GATEWAY/actuator/backups/$ID" | jq -r .state)" != "COMPLETED" ]]; do sleep 5; done
curl -s -X POST "$GATEWAY/actuator/exporting/resume" >/dev/null
