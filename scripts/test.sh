#!/usr/bin/env bash
# `npm test`: everything. Build (strict TypeScript), lint (ESLint + Prettier), then the unit and integration
# suites against real PostgreSQL, Redis, vcsim, snmptrap and Chromium. Ends with the runner's pass/fail count.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/deps.sh
bash scripts/services.sh
echo "== build"
npm run --silent build
echo "== ui-plugin build"
bash scripts/build-ui.sh
echo "== lint"
npm run --silent lint
echo "== tests"
exec npx vitest run
