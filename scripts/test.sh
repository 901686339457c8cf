#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs every mocha test and ends with
# a plain "N passed, N failed" line. Exit status is non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/runtime-packages.sh
# kubectl comes with the machine (google-cloud-sdk); the real-runtime tests need containerd,
# runc, the CNI plugins, a registry and busybox-static (for the locally built images); skopeo
# is the independent OCI client the image tests check the registry with; tmux gives the
# interactive kubectl tests (run -it) a real terminal.
SKIFF_APT="$SKIFF_RUNTIME_PACKAGES skopeo tmux" bash scripts/ensure-deps.sh || exit 1
summary="$(mktemp)"
SKIFF_TEST_SUMMARY="$summary" node_modules/.bin/mocha --reporter test/reporter.cjs "${@:-test/**/*.test.ts}"
rc=$?
if [ -s "$summary" ]; then cat "$summary"; else echo "0 passed, 1 failed"; rc=1; fi
rm -f "$summary"
exit $rc
