#!/bin/sh
# The streaming replica (compose's postgres-replica): the first time, copy the primary with
# pg_basebackup (which writes standby.signal and the connection to follow), then run it read-only.
set -eu
mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h postgres -U "$POSTGRES_USER" -q; do sleep 1; done
    PGPASSWORD="$POSTGRES_PASSWORD" gosu postgres pg_basebackup --host=postgres --username="$POSTGRES_USER" \
        --pgdata="$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast
fi
exec gosu postgres postgres -c hot_standby=on
