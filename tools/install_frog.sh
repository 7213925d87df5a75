#!/usr/bin/env bash
# Install Frog, the offline Dutch named-entity recogniser that de-identifies open answers
# (peo.tables.ner), quietly and only when it is missing: Debian's frog, frogdata (its
# models), ucto and uctodata (its tokeniser and the tokeniser's rules).
#
#   bash tools/install_frog.sh        # idempotent; `make test` and `make book` call it
#
# Everything comes from the Debian archive; nothing is downloaded at build or run time.
set -euo pipefail

missing=()
command -v frog >/dev/null || missing+=(frog)
[ -f /usr/share/frog/nld/frog.cfg ] || missing+=(frogdata)
command -v ucto >/dev/null || missing+=(ucto)
[ -d /usr/share/ucto ] && ls /usr/share/ucto/tokconfig-nld* >/dev/null 2>&1 || missing+=(uctodata)
# poppler's pdftotext: the publication check reads the text of every published PDF.
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: Frog is missing (${missing[*]}); install it as root: apt-get install frog frogdata ucto uctodata" >&2; exit 2; }
    sudo=sudo
else
    sudo=
fi
echo "ner: installing ${missing[*]} from Debian (once)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
