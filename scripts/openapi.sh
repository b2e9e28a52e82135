#!/bin/sh
# See scripts/openapi.mjs.
exec node "$(dirname "$0")/openapi.mjs" "$@"
