#!/usr/bin/env python3
"""Validate rendered Kubernetes/Strimzi YAML and Helm values files against real schemas.

Usage: validate_k8s.py [--schemas DIR] [--kubernetes-version V] DIR_OR_FILE...

Every `*.yaml`/`*.yml` file below each DIR (a FILE is taken as is) is read; each YAML document is:

* a Strimzi resource (`apiVersion: kafka.strimzi.io/...`, kinds Kafka, KafkaConnect,
  KafkaConnector, KafkaTopic, KafkaUser): validated with `jsonschema` (Draft 7) against the
  CRD's `spec.versions[name=v1].schema.openAPIV3Schema` from the Strimzi 1.2.0 CRDs in
  `--schemas` (default `<project>/../shared/schemas/strimzi`). `apiVersion` must be
  `kafka.strimzi.io/v1` (Strimzi 1.x serves nothing else), `metadata.name` must be set, and, like
  `kubectl apply --validate=strict`, a field the schema does not declare is an error (objects
  with `properties` get `additionalProperties: false` unless they carry
  `x-kubernetes-preserve-unknown-fields`).
* any other Kubernetes object (Role, RoleBinding, NetworkPolicy, Secret, ConfigMap, CronJob...):
  validated offline by `kubernetes-validate` in strict mode (unknown fields are errors) against
  Kubernetes `--kubernetes-version` (default 1.33.0). A kind it has no schema for is a
  "cannot validate" failure.
* a Helm values file (identified by its name: `values.yaml`, `values.yml` or `*-values.yaml`,
  `*.values.yaml`): every key must exist in the Strimzi operator chart's default values
  (`operator-chart-values-1.2.0.yaml` in `--schemas`) with a value of the same shape: a map where
  the default is a map (checked recursively), a list where it is a list, a boolean / number /
  string where it is one. Allowed freely: any value where the default is null (`~`, `NULL`, empty:
  the chart leaves those open), any keys inside a map whose default is empty (`{}`: free-form maps
  such as `nodeSelector`, `annotations`), any items in a list.

Output: one line per document (`ok` / `FAIL` with `path: message` items), then a summary. Exit 0
when all are valid, 1 on any failure (or when no YAML was found), 2 when the schemas are missing.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHEMAS = ROOT.parent / "shared" / "schemas" / "strimzi"
CHART_VALUES = "operator-chart-values-1.2.0.yaml"
STRIMZI_GROUP = "kafka.strimzi.io"
VALUES_NAME = re.compile(r"^(values|.*[-.]values)\.ya?ml$")


def find_yaml(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in (".yaml", ".yml")))
        else:
            raise SystemExit(f"validate_k8s: no such file or directory: {p}")
    return found


def strictify(schema):
    """additionalProperties: false on every object schema with properties, unless it preserves
    unknown fields: the API server's strict field validation."""
    if isinstance(schema, dict):
        out = {k: strictify(v) for k, v in schema.items()}
        if (
            "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strictify(v) for v in schema]
    return schema


def load_crds(schemas: Path) -> dict[str, jsonschema.Draft7Validator]:
    validators = {}
    for f in sorted(schemas.glob("*-Crd-*.yaml")):
        crd = yaml.safe_load(f.read_text())
        if crd.get("kind") != "CustomResourceDefinition" or crd["spec"]["group"] != STRIMZI_GROUP:
            continue
        kind = crd["spec"]["names"]["kind"]
        versions = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
        if not versions:
            raise SystemExit(f"validate_k8s: {f}: no v1 version in the CRD")
        schema = strictify(copy.deepcopy(versions[0]["schema"]["openAPIV3Schema"]))
        validators[kind] = jsonschema.Draft7Validator(schema)
    return validators


def where(err: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in err.absolute_path) or "<document>"


def check_strimzi(doc: dict, validators) -> list[str]:
    kind = doc.get("kind")
    errors = []
    if doc.get("apiVersion") != f"{STRIMZI_GROUP}/v1":
        errors.append(f"apiVersion: `{doc.get('apiVersion')}` is not served by Strimzi 1.x; use {STRIMZI_GROUP}/v1")
    if kind not in validators:
        return errors + [f"kind: CANNOT VALIDATE: no Strimzi CRD for kind `{kind}` in the schemas folder"]
    if not (doc.get("metadata") or {}).get("name"):
        errors.append("metadata.name: missing")
    for e in sorted(validators[kind].iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        errors.append(f"{where(e)}: {e.message}")
    return errors


def check_core(doc: dict, version: str) -> list[str]:
    try:
        kubernetes_validate.validate(doc, version, strict=True)
        return []
    except kubernetes_validate.ValidationError as e:
        return [f"{where(e)}: {e.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"kind: CANNOT VALIDATE: kubernetes-validate has no schema for {doc.get('apiVersion')} {doc.get('kind')} in Kubernetes {version}"]


def shape(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "map"
    return type(v).__name__


def check_values(values, defaults, path: str = "") -> list[str]:
    errors = []
    if not isinstance(values, dict):
        return [f"{path or '<document>'}: must be a map, got {shape(values)}"]
    for key, val in values.items():
        p = f"{path}.{key}" if path else str(key)
        if key not in defaults:
            errors.append(f"{p}: not a key of the chart's default values")
            continue
        dflt = defaults[key]
        if dflt is None:
            continue  # the chart leaves null keys open
        if shape(val) != shape(dflt):
            errors.append(f"{p}: {shape(val)} where the chart's default is a {shape(dflt)} ({dflt!r})")
        elif isinstance(dflt, dict) and dflt:
            errors += check_values(val, dflt, p)
    return errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", metavar="DIR_OR_FILE")
    ap.add_argument("--schemas", type=Path, default=DEFAULT_SCHEMAS, help="folder of the Strimzi CRDs and chart values")
    ap.add_argument("--kubernetes-version", default="1.33.0")
    args = ap.parse_args()

    chart = args.schemas / CHART_VALUES
    if not args.schemas.is_dir() or not chart.is_file():
        print(f"validate_k8s: CANNOT START: Strimzi schemas not found at {args.schemas} (need *-Crd-*.yaml and {CHART_VALUES})", file=sys.stderr)
        return 2
    validators = load_crds(args.schemas)
    if not validators:
        print(f"validate_k8s: CANNOT START: no Strimzi CRDs in {args.schemas}", file=sys.stderr)
        return 2
    defaults = yaml.safe_load(chart.read_text())

    files = find_yaml(args.paths)
    total = failed = 0
    for f in files:
        try:
            docs = list(yaml.safe_load_all(f.read_text()))
        except yaml.YAMLError as e:
            total += 1
            failed += 1
            print(f"FAIL {f}: not valid YAML: {e}".replace("\n", " "))
            continue
        is_values = bool(VALUES_NAME.match(f.name))
        for i, doc in enumerate(d for d in docs if d is not None):
            total += 1
            label = f"{f}#{i}" if len(docs) > 1 else str(f)
            if is_values:
                what = "Helm values of the Strimzi operator chart 1.2.0"
                errors = check_values(doc, defaults)
            elif not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
                what = "?"
                errors = ["<document>: no apiVersion/kind, and the file name is not that of a Helm values file"]
            elif str(doc["apiVersion"]).split("/")[0] == STRIMZI_GROUP:
                what = f"{doc['kind']} {(doc.get('metadata') or {}).get('name')}, Strimzi CRD"
                errors = check_strimzi(doc, validators)
            else:
                what = f"{doc['kind']} {(doc.get('metadata') or {}).get('name')}, Kubernetes {args.kubernetes_version}"
                errors = check_core(doc, args.kubernetes_version)
            if errors:
                failed += 1
                print(f"FAIL {label} ({what}): " + "; ".join(errors))
            else:
                print(f"ok   {label} ({what})")
    if total == 0:
        print(f"validate_k8s: FAIL: no YAML documents found under {' '.join(args.paths)}")
        return 1
    print(f"validate_k8s: {total} document(s): {total - failed} ok, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
