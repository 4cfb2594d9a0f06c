# Sourced by scripts/run and scripts/test: make sure $VENV exists with the project installed.
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
extra="$1"
stamp="$VENV/.tandem-installed$extra"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".$extra"
    touch "$stamp"
fi
