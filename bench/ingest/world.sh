# Sourced by bench/ingest/run.sh and callgrind.sh: the order world they
# measure against, and a machine token to post orders with.

# bench_world BIN DB ROOT: a fresh SQLite database with the order test world
# (tests/data/orders/world.sql), an admin and a practically endless stock:
# 10^8 units of each apple SKU at both warehouses, with the collections,
# transfer, packing and line-haul behind it (world-stock.sql), so that
# `shanhai check` holds on the world (bench_check).
bench_world() {
  "$1" --db "$2" init >/dev/null
  echo 'bench-admin-pass' | "$1" --db "$2" user add admin --role admin --password-stdin >/dev/null
  sqlite3 "$2" < "$3/tests/data/orders/world.sql"
  sqlite3 "$2" "UPDATE lots SET initial_g = 1000000000000000 WHERE id IN (1,2,3);
    UPDATE stock SET qty_g = 1000000000000000 WHERE lot_id IN (1,2,3);"
  sqlite3 "$2" < "$3/bench/ingest/world-stock.sql"
}

# bench_check BIN DB: `shanhai check` on the world; on any failure print its
# report and fail (a benchmark on an inconsistent world measures nothing).
bench_check() {
  if ! "$1" --db "$2" check > "$2.check" 2>&1; then
    echo "bench: the benchmark world fails shanhai check:" >&2
    cat "$2.check" >&2
    return 1
  fi
}

# bench_token BASE DIR: log in as the admin, create the machine user 'feed'
# for channel 1 and print its API token (DIR holds the cookie jar).
bench_token() {
  J='Content-Type: application/json'
  curl -s -c "$2/jar" -H "$J" -d '{"username":"admin","password":"bench-admin-pass"}' "$1/api/v1/auth/login" > "$2/login.json"
  CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$2/login.json")
  UID_=$(curl -s -b "$2/jar" -H "$J" -H "X-CSRF-Token: $CSRF" -d '{"username":"feed","display_name":"feed","password":"feed-pass-123","role":"machine","scopes":{"channels":[1]}}' "$1/api/v1/users" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  curl -s -b "$2/jar" -H "$J" -H "X-CSRF-Token: $CSRF" -d "{\"user_id\":$UID_,\"name\":\"bench\"}" "$1/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
