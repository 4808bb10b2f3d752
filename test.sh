#!/usr/bin/env bash
# The project's one test command: install what the tests need (once), build, run every test
# project under tests/, and print "N passed, N failed, N skipped" as the last line.
# Exit status is non-zero if the build failed, any project failed to run, any test failed,
# or no test ran at all.
#
# Environment:
#   PESTWORKFLOWS_TEST_POSTGRES        use this PostgreSQL server (a connection string) instead of a throwaway cluster
#   PESTWORKFLOWS_TEST_HANG_TIMEOUT    per-test hang timeout passed to --blame-hang-timeout (default 10m)
#   PESTWORKFLOWS_TEST_FILTER          passed to dotnet test --filter
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false
export DEBIAN_FRONTEND=noninteractive
export MSBUILDDISABLENODEREUSE=1   # no build servers left running after the script ends
if [[ -z "${HOME:-}" ]]; then
  HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
  export HOME
fi

say() { printf '==> %s\n' "$*"; }

# --- (a) system packages -----------------------------------------------------------------------
apt_packages=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || apt_packages+=(postgresql)
[[ -x /usr/bin/chromium ]] || apt_packages+=(chromium)
# The host's build restores Elsa Studio (the designer) with npm ci.
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
# Deadlines are computed in Europe/Amsterdam time; .NET reads the zone from the system's tzdata.
[[ -f /usr/share/zoneinfo/Europe/Amsterdam ]] || apt_packages+=(tzdata)
if ((${#apt_packages[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo -n)
    else
      echo "test.sh: need root (or sudo) to install: ${apt_packages[*]}" >&2
      exit 1
    fi
  fi
  say "installing ${apt_packages[*]} (apt-get)"
  apt_opts=(-q -o DPkg::Lock::Timeout=300)
  "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update
  "${sudo_cmd[@]}" apt-get "${apt_opts[@]}" install -y "${apt_packages[@]}" </dev/null
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] || { echo "test.sh: postgresql installed but /usr/lib/postgresql/15/bin/initdb is missing" >&2; exit 1; }
  [[ -x /usr/bin/chromium ]] || { echo "test.sh: chromium installed but /usr/bin/chromium is missing" >&2; exit 1; }
  command -v npm >/dev/null 2>&1 || { echo "test.sh: npm installed but not on PATH" >&2; exit 1; }
fi

command -v dotnet >/dev/null 2>&1 || { echo "test.sh: dotnet (the .NET 10 SDK) is not on PATH" >&2; exit 1; }

# --- (b) local dotnet tools --------------------------------------------------------------------
# .NET 10's `dotnet new tool-manifest` writes ./dotnet-tools.json; older SDKs wrote .config/dotnet-tools.json.
if [[ -f .config/dotnet-tools.json || -f dotnet-tools.json ]]; then
  say "dotnet tool restore"
  dotnet tool restore
fi

# --- (c) build once ----------------------------------------------------------------------------
say "dotnet build PestWorkflows.sln -c Release"
if ! dotnet build PestWorkflows.sln -c Release -v q -nologo; then
  echo "test.sh: BUILD FAILED; no tests were run" >&2
  echo "0 passed, 0 failed, 0 skipped"
  exit 1
fi

# --- (d) run every test project ----------------------------------------------------------------
results_dir="$ROOT/.test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir"

mapfile -t projects < <(find tests -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
if ((${#projects[@]} == 0)); then
  echo "test.sh: no test projects found under tests/" >&2
  echo "0 passed, 0 failed, 0 skipped"
  exit 1
fi

test_args=(-c Release --no-build -v q -nologo
  --blame-hang-timeout "${PESTWORKFLOWS_TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type none)
if [[ -n "${PESTWORKFLOWS_TEST_FILTER:-}" ]]; then
  test_args+=(--filter "$PESTWORKFLOWS_TEST_FILTER")
fi

failed_projects=()
trx_files=()
for proj in "${projects[@]}"; do
  name=$(basename "$proj" .csproj)
  trx="$results_dir/$name.trx"
  say "dotnet test $proj"
  if ! dotnet test "$proj" "${test_args[@]}" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results_dir"; then
    failed_projects+=("$name")
  fi
  if [[ -f "$trx" ]]; then
    trx_files+=("$trx")
  else
    echo "test.sh: $name wrote no results file ($trx)" >&2
    [[ " ${failed_projects[*]-} " == *" $name "* ]] || failed_projects+=("$name")
  fi
done

# --- (e) sum the trx counters ------------------------------------------------------------------
# xunit's trx: <Counters total=".." executed=".." passed=".." failed=".." error=".." timeout=".."
# aborted=".." notExecuted="0" .../>. Skipped tests ([Fact(Skip=..)]) count in total but not in
# executed, and xunit leaves notExecuted at 0, so skipped = total - passed - failed.
attr() { # attr NAME COUNTERS_ELEMENT -> the attribute's integer value, 0 if absent
  local v
  v=$(grep -o " $1=\"[0-9]*\"" <<<"$2" | head -n1 | tr -dc '0-9')
  echo "${v:-0}"
}
total_passed=0 total_failed=0 total_skipped=0
for trx in "${trx_files[@]+"${trx_files[@]}"}"; do
  counters=$(tr '\n' ' ' <"$trx" | grep -o '<Counters [^>]*>' | head -n1 || true)
  if [[ -z "$counters" ]]; then
    echo "test.sh: no <Counters> in $trx" >&2
    failed_projects+=("$(basename "$trx" .trx)")
    continue
  fi
  t=$(attr total "$counters")
  p=$(attr passed "$counters")
  f=$(( $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
  s=$(( t - p - f ))
  (( s < 0 )) && s=0
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  total_skipped=$((total_skipped + s))
done

# --- (f) verdict -------------------------------------------------------------------------------
status=0
if ((${#failed_projects[@]})); then
  echo "test.sh: FAILED projects (test failures, a crash, a hang or no results): ${failed_projects[*]}" >&2
  status=1
fi
if ((total_failed > 0)); then
  status=1
fi
if ((total_passed + total_failed == 0)); then
  echo "test.sh: no test ran" >&2
  status=1
fi
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$status"
