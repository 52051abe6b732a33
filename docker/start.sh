#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start Jupyter for MedGo with token authentication.
#
# Picks JupyterLab when it is installed, else the Notebook (7 or classic 6), else a bare
# "jupyter server". Settings come from the environment:
#
#   MEDGO_IP               address to listen on (default 0.0.0.0: inside a container)
#   MEDGO_PORT             port (default 8888)
#   JUPYTER_TOKEN          the token; when unset, a random one is generated and printed
#   JUPYTER_TOKEN_FILE     or a file holding it
#   MEDGO_ALLOW_NO_TOKEN=1 allow running without any token (same as --no-token-i-understand)
#   MEDGO_JUPYTER          the jupyter command (default: jupyter on PATH)
#   MEDGO_JUPYTER_APP      lab, notebook or server instead of choosing automatically
#   MEDGO_WORK_DIR         directory Jupyter shows (default: the current directory)
#   MEDGO_TUTORIALS        tutorials copied into MEDGO_WORK_DIR/tutorials when that is missing
#   MEDGO_CACHE            data cache directory, created when missing
#   MEDGO_WITH_XLA=1       compile notebook cells with the "xla" build tag and default
#                          MEDGO_BACKEND to xla:cpu (xla:cuda when MEDGO_XLA_PLUGIN is cuda*)
#
# Arguments after the options are passed to Jupyter unchanged.
set -euo pipefail

prog=medgo-start

usage() {
	cat <<EOF
Usage: $prog [--no-token-i-understand] [JUPYTER ARGS...]

Starts Jupyter on \$MEDGO_IP:\$MEDGO_PORT (default 0.0.0.0:8888) with token authentication.
The token is \$JUPYTER_TOKEN (or the contents of \$JUPYTER_TOKEN_FILE); when neither is set a
random token is generated and the URL to open is printed.

  --no-token-i-understand  allow an empty token: anyone who reaches the port can run code.
                           Same as MEDGO_ALLOW_NO_TOKEN=1.
  -h, --help               this help.
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

allow_no_token="${MEDGO_ALLOW_NO_TOKEN:-0}"
case "$allow_no_token" in
0 | 1) ;;
*) die "MEDGO_ALLOW_NO_TOKEN must be 0 or 1, got '$allow_no_token'" ;;
esac

extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-token-i-understand) allow_no_token=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		extra+=("$@")
		break
		;;
	*) extra+=("$1") ;;
	esac
	shift
done

ip="${MEDGO_IP:-0.0.0.0}"
port="${MEDGO_PORT:-8888}"
jupyter="${MEDGO_JUPYTER:-jupyter}"

if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
	die "MEDGO_PORT must be a port number between 1 and 65535, got '$port'"
fi
[ -n "$ip" ] || die "MEDGO_IP is empty; use 0.0.0.0 to listen on all addresses or 127.0.0.1 for this machine only"

# --- Token ---------------------------------------------------------------------------------

# A token given as a Jupyter argument counts; one that switches the token off is treated like
# an empty JUPYTER_TOKEN.
empty_token_arg=""
token_arg=""
for a in "${extra[@]+"${extra[@]}"}"; do
	case "$a" in
	--*App.token=* | --IdentityProvider.token=*)
		value="${a#*=}"
		if [ -z "$value" ] || [ "$value" = '""' ] || [ "$value" = "''" ]; then
			empty_token_arg="$a"
		else
			token_arg="$a"
		fi
		;;
	esac
done

token_source=""
if [ -n "$empty_token_arg" ]; then
	token_source="none"
elif [ -n "$token_arg" ]; then
	token_source="arg"
elif [ "${JUPYTER_TOKEN+set}" = set ]; then
	if [ -n "$JUPYTER_TOKEN" ]; then
		token_source="env"
	else
		token_source="none"
	fi
elif [ -n "${JUPYTER_TOKEN_FILE:-}" ]; then
	[ -r "$JUPYTER_TOKEN_FILE" ] || die "JUPYTER_TOKEN_FILE=$JUPYTER_TOKEN_FILE cannot be read"
	[ -s "$JUPYTER_TOKEN_FILE" ] || die "JUPYTER_TOKEN_FILE=$JUPYTER_TOKEN_FILE is empty; put the token in it"
	token_source="file"
else
	# 24 random bytes, hex encoded, like Jupyter's own generated tokens.
	JUPYTER_TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
	[ "${#JUPYTER_TOKEN}" -eq 48 ] || die "could not read random bytes from /dev/urandom for a token"
	export JUPYTER_TOKEN
	token_source="generated"
fi

if [ "$token_source" = none ] && [ "$allow_no_token" != 1 ]; then
	why="JUPYTER_TOKEN is set but empty"
	[ -n "$empty_token_arg" ] && why="the argument $empty_token_arg disables the token"
	cat >&2 <<EOF
$prog: refusing to start Jupyter without a token: $why.
  Without a token anyone who can reach $ip:$port can run any code as this user.
  - Unset JUPYTER_TOKEN to get a random token printed at start, or set it to a secret value.
  - If this really is what you want (e.g. behind an authenticating proxy), say so explicitly:
      MEDGO_ALLOW_NO_TOKEN=1 $prog      or      $prog --no-token-i-understand
EOF
	exit 2
fi
if [ "$token_source" = env ] && [ "${#JUPYTER_TOKEN}" -lt 16 ]; then
	echo "$prog: warning: JUPYTER_TOKEN is only ${#JUPYTER_TOKEN} characters; use at least 16 random characters" >&2
fi

# --- Which Jupyter -------------------------------------------------------------------------

command -v "$jupyter" >/dev/null 2>&1 || die "'$jupyter' not found; install JupyterLab (pip install jupyterlab) or set MEDGO_JUPYTER to the jupyter command"

# version SUBCOMMAND prints the subcommand's version, or nothing when it is not installed.
version() {
	local v
	v="$("$jupyter" "$1" --version 2>/dev/null | tail -n 1 | tr -d '[:space:]')" || true
	[[ "$v" =~ ^[0-9]+\. ]] && echo "$v"
	return 0
}

app="${MEDGO_JUPYTER_APP:-}"
app_version=""
case "$app" in
"")
	for candidate in lab notebook server; do
		app_version="$(version "$candidate")"
		if [ -n "$app_version" ]; then
			app="$candidate"
			break
		fi
	done
	[ -n "$app" ] || die "'$jupyter' offers neither 'lab', 'notebook' nor 'server'; install JupyterLab (pip install jupyterlab)"
	;;
lab | notebook | server)
	app_version="$(version "$app")"
	[ -n "$app_version" ] || die "MEDGO_JUPYTER_APP=$app but '$jupyter $app' is not installed"
	;;
*) die "MEDGO_JUPYTER_APP must be lab, notebook or server, got '$app'" ;;
esac
# server: built on jupyter_server (JupyterLab, Notebook 7, jupyter server); classic: Notebook 6.
family=server
if [ "$app" = notebook ]; then
	case "$app_version" in
	[0-6].*) family=classic ;;
	esac
fi
echo "$prog: using jupyter $app $app_version"

# --- Directories ---------------------------------------------------------------------------

work_dir="${MEDGO_WORK_DIR:-}"
if [ -n "$work_dir" ]; then
	mkdir -p "$work_dir" 2>/dev/null || die "MEDGO_WORK_DIR=$work_dir does not exist and cannot be created"
	if [ -n "${MEDGO_TUTORIALS:-}" ] && [ -d "$MEDGO_TUTORIALS" ] && [ ! -e "$work_dir/tutorials" ]; then
		# First start on an empty volume: bring the tutorials in. Existing copies are never overwritten.
		if cp -R "$MEDGO_TUTORIALS" "$work_dir/tutorials" 2>/dev/null; then
			echo "$prog: copied the tutorials into $work_dir/tutorials"
		else
			echo "$prog: warning: could not copy the tutorials into $work_dir (is the volume writable by $(id -un)?)" >&2
		fi
	fi
	[ -w "$work_dir" ] || echo "$prog: warning: $work_dir is not writable by $(id -un); notebooks cannot be saved there" >&2
fi
if [ -n "${MEDGO_CACHE:-}" ]; then
	mkdir -p "$MEDGO_CACHE" 2>/dev/null || true
	[ -w "$MEDGO_CACHE" ] || echo "$prog: warning: data cache MEDGO_CACHE=$MEDGO_CACHE is not writable by $(id -un); downloads will fail" >&2
fi

# Images built with WITH_XLA=1: compile cells with XLA support and use the installed plugin,
# unless MEDGO_BACKEND says otherwise (the kernelspec's own default is the pure-Go backend).
if [ "${MEDGO_WITH_XLA:-0}" = 1 ]; then
	if [[ " ${GOFLAGS:-} " != *" -tags"* ]]; then
		export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=xla"
	fi
	if [ -z "${MEDGO_BACKEND:-}" ]; then
		case "${MEDGO_XLA_PLUGIN:-cpu}" in
		cuda*) MEDGO_BACKEND=xla:cuda ;;
		*) MEDGO_BACKEND=xla:cpu ;;
		esac
		export MEDGO_BACKEND
	fi
	echo "$prog: backend MEDGO_BACKEND=$MEDGO_BACKEND (set MEDGO_BACKEND=go for the pure-Go backend)"
fi

# --- Command line --------------------------------------------------------------------------

args=()
if [ "$family" = classic ]; then
	cls=NotebookApp
	args+=(--no-browser "--$cls.ip=$ip" "--$cls.port=$port" "--$cls.port_retries=0")
	[ -n "$work_dir" ] && args+=("--$cls.notebook_dir=$work_dir")
	if [ "$token_source" = none ]; then
		args+=("--$cls.token=" "--$cls.password=")
	fi
else
	cls=ServerApp
	args+=(--no-browser "--$cls.ip=$ip" "--$cls.port=$port" "--$cls.port_retries=0")
	[ -n "$work_dir" ] && args+=("--$cls.root_dir=$work_dir")
	if [ "$token_source" = none ]; then
		server_version="$(version server)"
		case "$server_version" in
		[01].*) args+=("--ServerApp.token=" "--ServerApp.password=") ;;
		*) args+=("--IdentityProvider.token=" "--PasswordIdentityProvider.hashed_password=") ;;
		esac
	fi
fi
if [ "$(id -u)" = 0 ]; then
	echo "$prog: warning: running as root; the MedGo image runs as jovyan" >&2
	args+=(--allow-root)
fi

case "$app" in
lab) path=lab ;;
notebook) path=tree ;;
*) path=api/kernelspecs ;;
esac
host="$ip"
case "$host" in
0.0.0.0 | "::" | "[::]") host=127.0.0.1 ;;
*:*) host="[$host]" ;;
esac
url="http://$host:$port/$path"
case "$token_source" in
generated)
	echo "$prog: open $url?token=$JUPYTER_TOKEN"
	;;
env | file | arg)
	echo "$prog: open $url?token=<the token you set>"
	;;
none)
	echo "$prog: WARNING: token authentication is OFF; anyone who reaches $ip:$port can run code" >&2
	echo "$prog: open $url"
	;;
esac
echo "$prog: (from a container, use the host port you published instead of $port)"

exec "$jupyter" "$app" "${args[@]}" "${extra[@]+"${extra[@]}"}"
