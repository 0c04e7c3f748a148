#!/usr/bin/env bash
# Installs (or upgrades) and starts Wharf on this machine from harbor.yml, without a container engine.
# Usage: ./install.sh [--config <path>] [--stop | --status | --docker | --help]
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
Usage: ./install.sh [options]

Without options: validates harbor.yml, installs what is missing, prepares the data volume and
(re)starts every service, then waits until the registry answers.

  --config <path>  the configuration file (default: ./harbor.yml)
  --stop           stops the running installation and waits until it is down
  --status         prints each service's state (exit 0 when all run, 3 when stopped)
  --docker         runs deploy/docker-compose.yml with `docker compose up -d` instead
  --help           prints this text
USAGE
}

config=harbor.yml
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --help | -h) usage; exit 0 ;;
    --config) j=$((i + 1)); config="${!j:-}" ;;
    --config=*) config="${!i#--config=}" ;;
  esac
done

# Node.js 20.19 or later (the version the dependencies are built and tested with).
if ! command -v node >/dev/null 2>&1; then
  echo "error: Node.js 20.19 or later is required (https://nodejs.org/); 'node' was not found" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "error: Node.js 20.19 or later is required; found $(node --version)" >&2
  exit 1
fi

if [ ! -d node_modules ]; then
  echo "installing dependencies"
  # `npm ci` refuses a lock file that lacks other platforms' optional binaries; `npm install` then
  # installs the same locked versions.
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    npm install --no-audit --no-fund --loglevel=error
  fi
fi

entry=dist/tools/install/src/main.js
# Rebuild when dist is missing or any source is newer than the installer's compiled entry point.
if [ ! -f "$entry" ] || [ -n "$(find apps libs tools migrations -name '*.ts' -newer "$entry" -not -path '*/node_modules/*' -print -quit 2>/dev/null)" ]; then
  echo "building"
  node tools/build.mjs
fi
# The web console (apps/portal: .tsx, .json, .html and the rest), rebuilt when any of its files
# or package-lock.json is newer than its last build in dist/apps/portal.
node tools/build-portal.mjs --if-stale

if [ ! -e "$config" ] && [ "$config" = harbor.yml ]; then
  # Working defaults: the template's example host name is replaced by this machine's name when
  # it resolves here, else by its first address, so clients and the token realm can reach it.
  # The name needs a dot: clients read "name/repo" without one as a Docker Hub repository.
  host=$(hostname -f 2>/dev/null || hostname)
  if [ -z "$host" ] || [ "${host#*.}" = "$host" ] || ! getent hosts "$host" >/dev/null 2>&1; then
    host=$(hostname -I 2>/dev/null | awk '{print $1}')
  fi
  host=${host:-127.0.0.1}
  sed "s/^hostname: reg\.mydomain\.com\$/hostname: ${host}/" harbor.yml.tmpl > harbor.yml
  echo "created harbor.yml from harbor.yml.tmpl with hostname ${host}; review hostname, ports and passwords there"
fi

exec node "$entry" "$@"
