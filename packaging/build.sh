#!/usr/bin/env bash
# Build the one-folder bundle packaging/dist/clinic_app/ and prove it runs.
#   packaging/build.sh              build, then run --selftest on the bundle (offscreen)
#   packaging/build.sh --reuse      skip the build if the bundle is newer than the sources
#   packaging/build.sh --no-selftest
# Prints the build time and the bundle size; needs the locked venv (./dev) and a
# CJK TrueType font on the build machine (fonts-wqy-microhei) or CLINIC_APP_CJK_FONT.
set -euo pipefail
cd "$(dirname "$0")/.."

reuse=0 selftest=1
for arg in "$@"; do
  case "$arg" in
    --reuse) reuse=1 ;;
    --no-selftest) selftest=0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

BUNDLE=packaging/dist/clinic_app
EXE=$BUNDLE/clinic_app

stale() {
  [ -x "$EXE" ] || return 0
  [ -n "$(find clinic_app resources packaging/clinic_app.spec packaging/launcher.py pyproject.toml uv.lock \
           -newer "$EXE" -type f -not -name '*.pyc' -print -quit)" ]
}

if [ "$reuse" = 1 ] && ! stale; then
  echo "build.sh: reusing $BUNDLE (newer than the sources)"
else
  start=$(date +%s)
  uv run --frozen pyinstaller packaging/clinic_app.spec \
    --distpath packaging/dist --workpath packaging/build --noconfirm --log-level WARN
  end=$(date +%s)
  echo "build.sh: built $BUNDLE in $((end - start)) s"
fi

size=$(du -sm "$BUNDLE" | cut -f1)
files=$(find "$BUNDLE" -type f | wc -l)
echo "build.sh: bundle size ${size} MiB in ${files} files"
echo "build.sh: bundled fonts: $(ls "$BUNDLE"/_internal/clinic_app/resources/fonts/ | tr '\n' ' ')"

if [ "$selftest" = 1 ]; then
  start=$(date +%s)
  # A bug before the window opens would show the crash dialog and wait: never wait forever.
  QT_QPA_PLATFORM=offscreen timeout 300 "$EXE" --selftest
  echo "build.sh: --selftest passed in $(( $(date +%s) - start )) s"
fi
