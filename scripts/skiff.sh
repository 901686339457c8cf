#!/usr/bin/env bash
# `npm run skiff -- <command>`: make sure dependencies are present, bundle the CLI when the
# sources changed (one file starts much faster than a tree of TypeScript), then run it.
# CommonJS rather than ESM: node loads one big CommonJS file ~20 ms faster (no ESM translate).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/runtime-packages.sh"
# Only `up` and `agent` run containers (and only as root on Linux); other commands need npm packages alone.
case "${1:-}" in
  up|agent) if [ "$(id -u)" -eq 0 ]; then SKIFF_APT="$SKIFF_RUNTIME_PACKAGES" bash "$root/scripts/ensure-deps.sh"; else bash "$root/scripts/ensure-deps.sh"; fi ;;
  *) bash "$root/scripts/ensure-deps.sh" ;;
esac
bundle="$root/dist/skiff.cjs"
main="$root/dist/skiff-main.cjs"
if [ ! -f "$main" ] || [ ! -f "$bundle" ] || [ "$root/scripts/bundle-loader.cjs" -nt "$bundle" ] || [ -n "$(find "$root/src" "$root/api" -newer "$main" -name '*.ts' -print -quit)" ]; then
  rm -f "$root/dist/schemas.json" "$root/dist/schema-shapes.json" "$root"/dist/*.v8cache
  "$root/node_modules/.bin/esbuild" "$root/src/cli/main.ts" --bundle --platform=node --format=cjs \
    --packages=external --minify --keep-names --target=node20 --supported:dynamic-import=false --outfile="$main" --log-level=warning \
    --define:import.meta.url=import_meta_url --inject:"$root/scripts/bundle-shims.js"
  # dist/skiff.cjs runs the bundle through V8's code cache (scripts/bundle-loader.cjs).
  cp "$root/scripts/bundle-loader.cjs" "$bundle"
  # The API's schema model, built once here rather than at every start (see api/openapi/schemas.ts).
  node "$bundle" write-schema-cache "$root/dist"
fi
exec node "$bundle" "$@"
