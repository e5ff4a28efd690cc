#!/bin/sh
# The whole test suite, from a fresh machine: installs what the lab needs when
# it is missing (openssh-server, nginx, busybox-static, the medic-lab user,
# a local busybox image for the Docker Engine), then runs every test.
# Usage: scripts/test.sh [extra cargo test arguments]
set -eu
cd "$(dirname "$0")/.."
scripts/lab-setup.sh
# Lab tests mostly wait on sshd and docker, so more threads than cores pay off.
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-6}"
exec cargo test --locked "$@"
