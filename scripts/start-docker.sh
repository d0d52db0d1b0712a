#!/usr/bin/env bash
# Start dockerd in the background unless an engine already answers; wait until it does.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
nohup dockerd >/var/log/codedev-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not start; see /var/log/codedev-dockerd.log" >&2
exit 1
