# Shared helpers for the host-side scripts (sourced, not run).

: "${METHER_CACHE:=/var/cache/mether}"
METHER_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Debian's interpreter: the one on PATH may be a pyenv shim without
# Debian's python3-* packages.
PYTHON=/usr/bin/python3
# No __pycache__ in the tree: it is not source, and git must not see it.
export PYTHONDONTWRITEBYTECODE=1

msg() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" -eq 0 ] ||
		die "$1 needs root (network namespaces, taps, apt-get); run it as root"
}

# ensure_pkgs PKG...: install the Debian packages that are missing.
ensure_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root "installing ${missing[*]}"
	command -v apt-get >/dev/null ||
		die "missing ${missing[*]} and no apt-get: this needs Debian 12"
	msg "installing Debian packages: ${missing[*]}"
	apt-get update -q >/dev/null ||
		die "apt-get update failed: is the Debian mirror reachable?"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}
