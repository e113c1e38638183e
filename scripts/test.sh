#!/usr/bin/env bash
# Every test: typecheck, kernel/unit tests on Dawn (SwiftShader here), e2e in system Chromium.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
status=0
npx tsc --noEmit -p . || status=1
npx vitest run || status=1
npx playwright test || status=1
echo "npm test took $(( $(date +%s) - start )) s"
exit $status
