#!/bin/sh
# Renders nginx.conf from the GATEWAY_* environment, then replaces this shell with nginx in the
# foreground, so that nginx itself receives the container's stop signal.
set -eu
prefix="$(node /opt/wharf/gateway/render-config.mjs)"
exec nginx -e stderr -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;'
