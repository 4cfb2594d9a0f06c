# Sourced by scripts/test and .ci/run: PostgreSQL for the test suite.
#
# reachable_postgres URL   succeeds when a server answers at URL (within 3 seconds).
# throwaway_postgres       starts a private server in a temporary folder from the
#                          PostgreSQL binaries (installing Debian's package if there are
#                          none), exports TANDEM_TEST_DATABASE_URL, and stops and deletes
#                          it when the calling shell exits.

reachable_postgres() {
    "$VENV/bin/python" - "$1" <<'PY'
import asyncio, sys
import asyncpg

async def main(url: str) -> None:
    connection = await asyncpg.connect(url, timeout=3)
    await connection.close()

try:
    asyncio.run(main(sys.argv[1]))
except Exception:
    sys.exit(1)
PY
}

_pg_bin() {
    local found
    found="$(command -v initdb || true)"
    if [ -z "$found" ]; then
        found="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)"
    fi
    if [ -z "$found" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing PostgreSQL from Debian's packages" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        found="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)"
    fi
    [ -n "$found" ] && dirname "$(readlink -f "$found")"
}

throwaway_postgres() {
    local bin dir port as=()
    bin="$(_pg_bin)" || { echo "no PostgreSQL binaries (initdb, pg_ctl) and none could be installed" >&2; return 1; }
    dir="$(mktemp -d /tmp/tandem-pg.XXXXXX)"
    port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if [ "$(id -u)" = 0 ]; then  # initdb refuses to run as root
        chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$dir"
        as=(runuser -u "$(id -un postgres 2>/dev/null || echo nobody)" --)
    fi
    # shellcheck disable=SC2064  # expand now: the trap must stop this server
    trap "${as[*]:-} '$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$dir'" EXIT
    ${as[@]+"${as[@]}"} "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
    ${as[@]+"${as[@]}"} "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off" >/dev/null
    export TANDEM_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "== throwaway PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port" >&2
}
