#!/usr/bin/env bash
# `npm run skiff -- <command>`: make sure dependencies are present, bundle the CLI when the
# sources changed (one file starts much faster than a tree of TypeScript), then run it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/ensure-deps.sh"
bundle="$root/dist/skiff.mjs"
if [ ! -f "$bundle" ] || [ -n "$(find "$root/src" "$root/api" -newer "$bundle" -name '*.ts' -print -quit)" ]; then
  "$root/node_modules/.bin/esbuild" "$root/src/cli/main.ts" --bundle --platform=node --format=esm \
    --packages=external --target=node20 --outfile="$bundle" --log-level=warning
fi
exec node "$bundle" "$@"
