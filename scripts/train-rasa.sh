#!/usr/bin/env bash
# Train the Rasa model from config.yml, domain/ and nlu_data/.
# Usage: scripts/train-rasa.sh [--out DIR] [extra rasa train args]
# Rasa itself skips training when nothing changed since the newest model in --out.
set -euo pipefail
cd "$(dirname "$0")/.."
out=models
if [ "${1:-}" = "--out" ]; then out=$2; shift 2; fi
export RASA_TELEMETRY_ENABLED=false
exec .venv-rasa/bin/rasa train --config config.yml --domain domain --data nlu_data \
  --out "$out" --fixed-model-name butler "$@"
