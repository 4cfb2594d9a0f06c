# Sourced by scripts/run (`source scripts/_venv.sh ""`) and scripts/test (`"[dev]"`): make
# sure $VENV exists with the locked packages (requirements/run.txt, or dev.txt with the dev
# tools; `scripts/lock` updates them) and the project installed. It installs again when the
# lock or pyproject.toml differs from what the last install used, whatever the files' times.
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
extra="$1"
if [ "$extra" = "[dev]" ]; then lock=requirements/dev.txt; else lock=requirements/run.txt; fi
stamp="$VENV/.tandem-installed$extra"
wanted="$(cat pyproject.toml "$lock" | cksum)"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "installing $lock into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$lock"
    # The build backend came from the lock: building the project fetches nothing more.
    # Its output only on failure: setuptools reports every editable install as a warning.
    if ! built="$("$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation \
        -e . 2>&1)"; then
        echo "$built" >&2
        exit 1
    fi
    # pyproject.toml changed without `scripts/lock`: a dependency is missing or off range.
    if ! problems="$("$VENV/bin/python" -m pip check)"; then
        echo "$problems" >&2
        echo "$lock does not satisfy pyproject.toml: run scripts/lock" >&2
        exit 1
    fi
    echo "$wanted" >"$stamp"
fi
