#!/usr/bin/env bash
# Installs what framefleet needs on a Debian/Ubuntu machine, then builds. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
if [ "${FRAMEFLEET_SETUP_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then need_apt+=(chromium); fi
if [ "${FRAMEFLEET_SETUP_REDIS:-0}" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then need_apt+=(redis-server); fi
# Beat tests and benchmarks render music from MIDI with real instrument samples.
if [ "${FRAMEFLEET_SETUP_MUSIC:-0}" = 1 ]; then
  command -v fluidsynth >/dev/null 2>&1 || need_apt+=(fluidsynth)
  [ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || need_apt+=(fluid-soundfont-gm)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "framefleet setup: installing ${need_apt[*]} with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "framefleet setup: missing ${need_apt[*]}; install the Debian/Ubuntu package(s) '${need_apt[*]}' (sudo apt-get install ${need_apt[*]}) and run again" >&2
    exit 1
  fi
fi

# Installed from which lock: its hash is stamped after each install, so a checkout that is merely
# newer than node_modules (a git worktree, a fresh clone beside a copied node_modules) reinstalls
# nothing while the lock's contents are unchanged.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
lock_stamp=node_modules/.framefleet-lock-sha256
if [ ! -d node_modules ] || { [ "$(cat "$lock_stamp" 2>/dev/null)" != "$lock_hash" ] &&
  [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "framefleet setup: installing npm dependencies" >&2
  # Exactly the locked versions: the lock file lists every platform's optional packages.
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$lock_stamp"
fi

# Tests and benchmarks talk to a real Redis: start one on the default port when none answers.
if [ "${FRAMEFLEET_SETUP_REDIS:-0}" = 1 ] && [ -z "${REDIS_URL:-}" ]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "framefleet setup: starting redis-server on 127.0.0.1:6379 (appendonly, noeviction)" >&2
    mkdir -p .framefleet/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$PWD/.framefleet/redis" \
      --appendonly yes --maxmemory-policy noeviction --logfile "$PWD/.framefleet/redis/redis.log"
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
  fi
fi

# Builds unless dist/ was built from these very sources (a stamp of their digest, not of times:
# a checkout or a copy changes times, not contents). npm test after the demo builds nothing again.
build_hash="$(find src scripts/build.mjs tsconfig.json tsconfig.build.json package-lock.json -type f -print0 |
  sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
build_stamp=dist/.framefleet-build-sha256
if [ "$(cat "$build_stamp" 2>/dev/null)" != "$build_hash" ] || [ ! -f dist/cli/index.js ]; then
  npm run --silent build
  echo "$build_hash" >"$build_stamp"
fi
