# Sourced by the ci/ scripts: points the v8 crate at the prebuilt V8 in ../shared/rusty_v8,
# the offline build this workplace provides (see README.md, "Building offline"). Outside CI a
# RUSTY_V8_ARCHIVE that is already set wins, and without one the crate downloads its
# official prebuilt as usual.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared_dir="${AWORKER_SHARED_DIR:-$repo_root/../shared}"

if [ -z "${RUSTY_V8_ARCHIVE:-}" ]; then
  archive="$shared_dir/rusty_v8/librusty_v8_release_x86_64-unknown-linux-gnu.a.gz"
  if [ -f "$archive" ]; then
    export RUSTY_V8_ARCHIVE="$archive"
    sum="$(awk '/librusty_v8_release_x86_64-unknown-linux-gnu.a.gz/ {print $1}' \
      "$shared_dir/rusty_v8/SHA256SUMS" 2>/dev/null || true)"
    [ -n "$sum" ] && export RUSTY_V8_ARCHIVE_SHA256="$sum"
  elif [ -n "${CI:-}" ]; then
    # CI machines cannot download V8: a silent fallback would fail much later and obscurely.
    echo "ci: no V8 archive at $archive; set RUSTY_V8_ARCHIVE to the v8 crate's" \
      "librusty_v8 .a.gz (see README.md, 'Building offline')" >&2
    exit 2
  fi
fi

if [ -z "${WPT_ROOT:-}" ] && [ -d "$shared_dir/wpt" ]; then
  export WPT_ROOT="$(cd "$shared_dir/wpt" && pwd)"
fi
