#!/bin/sh
# Installs the aws CLI from Debian's awscli package into /usr/bin/aws, for the API end-to-end
# tests (e2e/api_cli_test.go). Idempotent: does nothing when /usr/bin/aws exists. Needs root.
set -eu
if [ -x /usr/bin/aws ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-awscli: must run as root to apt-get install awscli" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends awscli >/dev/null
/usr/bin/aws --version
