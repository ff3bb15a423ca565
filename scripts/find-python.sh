#!/usr/bin/env bash
# Print the path of a Python interpreter of version $1 (e.g. 3.10), or fail with a
# message saying how to get one. Looks on PATH, then in pyenv's versions.
set -euo pipefail
want=$1
for cand in "python$want" "$HOME/.pyenv/versions/$want"*/bin/"python$want" /usr/bin/"python$want" /usr/local/bin/"python$want"; do
  if path=$(command -v "$cand" 2>/dev/null) && "$path" -c "import sys; assert sys.version.startswith('$want')" 2>/dev/null; then
    echo "$path"; exit 0
  fi
  # pyenv shims need the version selected explicitly.
  if [ -n "${path:-}" ] && PYENV_VERSION=$(ls "$HOME/.pyenv/versions" 2>/dev/null | grep "^$want" | tail -1) \
       "$path" -c "import sys; assert sys.version.startswith('$want')" 2>/dev/null; then
    echo "$HOME/.pyenv/versions/$(ls "$HOME/.pyenv/versions" | grep "^$want" | tail -1)/bin/python$want"; exit 0
  fi
done
echo "Python $want is needed (Rasa 3.6 needs 3.10; the application 3.11). Install it, e.g. with pyenv or apt." >&2
exit 1
