#!/bin/sh
# Prepares this machine for medic's test lab (tests/it/lab): the packages the
# lab starts (sshd, nginx, a static busybox), sshd's privilege separation
# directory, the light login user `medic-lab`, and the local image
# `medic-lab/busybox:latest` for real containers (there is no registry).
#
# Idempotent and fast when everything is present; safe to run concurrently
# (one run at a time holds a lock). Run as root: `scripts/lab-setup.sh`.
set -eu

USER_NAME=medic-lab
IMAGE=medic-lab/busybox:latest
PACKAGES="openssh-server nginx busybox-static"
LOCK="${TMPDIR:-/tmp}/medic-lab-setup.lock"

say() { printf 'lab-setup: %s\n' "$*"; }
die() { printf 'lab-setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the lab starts sshd and adds a user)"
command -v flock >/dev/null 2>&1 || die "flock (util-linux) is missing"

exec 9>"$LOCK"
flock 9

# 1. Packages, only what is missing.
missing=
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is wanted
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    say "installed:$missing"
else
    say "packages present: $PACKAGES"
fi

# 2. sshd's privilege separation directory (lost on reboot: /run is tmpfs).
if [ ! -d /run/sshd ]; then
    mkdir -p /run/sshd
    chmod 0755 /run/sshd
    say "created /run/sshd"
fi

# 3. The login user: /bin/sh (no heavy rc files), a home, key login unlocked,
#    allowed to talk to the Docker Engine.
if ! getent passwd "$USER_NAME" >/dev/null; then
    useradd --create-home --shell /bin/sh "$USER_NAME"
    say "created user $USER_NAME"
fi
if [ "$(getent passwd "$USER_NAME" | cut -d: -f7)" != /bin/sh ]; then
    usermod --shell /bin/sh "$USER_NAME"
    say "set $USER_NAME's shell to /bin/sh"
fi
home=$(getent passwd "$USER_NAME" | cut -d: -f6)
if [ ! -d "$home" ]; then
    mkdir -p "$home"
    chown "$USER_NAME:" "$home"
    say "created $home"
fi
# With `UsePAM no` a fresh account is locked ('!'); '*' allows key login only.
if [ "$(getent shadow "$USER_NAME" | cut -d: -f2)" != '*' ]; then
    usermod -p '*' "$USER_NAME"
    say "unlocked $USER_NAME for key login"
fi
if getent group docker >/dev/null; then
    if ! id -nG "$USER_NAME" | tr ' ' '\n' | grep -qx docker; then
        usermod -aG docker "$USER_NAME"
        say "added $USER_NAME to group docker"
    fi
else
    say "warning: no group docker; real-docker lab hosts will not reach the engine"
fi
say "user $USER_NAME ready"

# 4. The busybox image, built locally with `docker import`.
command -v docker >/dev/null 2>&1 || die "docker CLI missing (the lab needs a running Docker Engine)"
docker info >/dev/null 2>&1 || die "Docker Engine not reachable (docker info failed)"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    say "image $IMAGE present"
else
    busybox=$(readlink -f /bin/busybox)
    [ -x "$busybox" ] || die "/bin/busybox missing (package busybox-static)"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    root="$tmp/root"
    mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/var" "$root/proc" "$root/sys" "$root/dev"
    mkdir -m 1777 "$root/tmp"
    cp "$busybox" "$root/bin/busybox"
    for applet in sh sleep httpd true false cat echo wget kill \
        touch rm ls test mkdir env id ps hostname printf grep head tail date uname nc; do
        ln -s busybox "$root/bin/$applet"
    done
    tar -C "$root" -cf - . | docker import --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
    say "built image $IMAGE"
fi
