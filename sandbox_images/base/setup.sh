#!/bin/sh
# Prepare a sandbox image (run inside it as root): install the listed packages, add the two
# unprivileged box users, strip setuid/setgid bits, drop package caches. Idempotent.
set -eu
packages=$(cat "$@" | sed -e 's/#.*//' | tr '\n' ' ' | tr -s ' ')
export DEBIAN_FRONTEND=noninteractive
# Slim images exclude man pages, and some JDK postinst scripts need the directories.
mkdir -p /usr/share/man/man1
if [ -n "${packages# }" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086 (word splitting is the point)
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* /usr/share/info/*
grep -q '^box-compile:' /etc/group || echo 'box-compile:x:10000:' >>/etc/group
grep -q '^box-run:' /etc/group || echo 'box-run:x:10001:' >>/etc/group
grep -q '^box-compile:' /etc/passwd ||
  echo 'box-compile:x:10000:10000::/box/build:/usr/sbin/nologin' >>/etc/passwd
grep -q '^box-run:' /etc/passwd || echo 'box-run:x:10001:10001::/box/run:/usr/sbin/nologin' >>/etc/passwd
# No setuid or setgid program may stay in a box (no-new-privileges is the second line).
find / -xdev -type f -perm /6000 -exec chmod ug-s {} +
mkdir -p /box /opt/codedev
