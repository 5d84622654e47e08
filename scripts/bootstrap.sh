#!/usr/bin/env bash
# Builds .venv on Python 3.10 and installs the pinned dependencies.
# Rasa 3.6 supports only Python < 3.11, so this finds a 3.10 interpreter itself (pyenv, PATH, or
# $PYTHON310), and reinstalls only when requirements.lock changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

is_py310() { [[ -x "$1" ]] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

find_python() {
  local candidates=()
  [[ -n "${PYTHON310:-}" ]] && candidates+=("$PYTHON310")
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for p in "$root"/versions/3.10.*/bin/python3.10; do candidates+=("$p"); done
  fi
  for p in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    candidates+=("$p")
  done
  local c
  for c in "${candidates[@]}"; do
    if is_py310 "$c"; then echo "$c"; return 0; fi
  done
  return 1
}

if ! is_py310 .venv/bin/python; then
  py=$(find_python) || {
    echo "bootstrap: Python 3.10 not found (Rasa 3.6 needs it). Install it (e.g. 'pyenv install 3.10')" >&2
    echo "           or set PYTHON310=/path/to/python3.10." >&2
    exit 1
  }
  echo "bootstrap: creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
fi

want=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)
have=$(cat .venv/.installed 2>/dev/null || true)
if [[ "$want" != "$have" ]]; then
  echo "bootstrap: installing pinned dependencies (first run takes 2-3 minutes)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  .venv/bin/python -m pip check
  echo "$want" > .venv/.installed
fi

# The browser test (tests/e2e/test_widget_browser.py) drives Debian's chromium through Playwright,
# never a browser Playwright downloads (no internet on CI); a CJK font keeps its screenshots legible.
system_packages=()
[[ -x /usr/bin/chromium ]] || system_packages+=(chromium chromium-driver)
[[ -n "$(fc-list :lang=zh 2>/dev/null)" ]] || system_packages+=(fonts-wqy-microhei)
# `make run-prod` and its end-to-end test put the replicas behind Debian's nginx.
[[ -x /usr/sbin/nginx ]] || system_packages+=(nginx)
if (( ${#system_packages[@]} )); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "bootstrap: installing ${system_packages[*]} for the browser and production tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${system_packages[@]}" >/dev/null
  else
    echo "bootstrap: not root, so not installing ${system_packages[*]};" \
      "the browser and production tests are skipped until 'apt-get install ${system_packages[*]}' is run as root" >&2
  fi
fi
