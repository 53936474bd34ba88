#!/bin/sh
# First start of the primary only (docker-entrypoint-initdb.d): let the replica stream its WAL with
# the app's user and password. On a database initialised before, append the same line by hand and
# reload (README, «Scaled topology»).
set -eu
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
