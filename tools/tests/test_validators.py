"""Self-tests of the validation harness: each tool passes its good fixtures and FAILS its
deliberately broken ones, naming the broken property. Run by scripts/test with the venv python:
    target/venv/bin/python -m unittest discover -s tools/tests -v
A tool that cannot start (no JVM, no jars, no PostgreSQL binaries) makes these tests fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
FIX = TOOLS / "tests" / "fixtures"


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOLS / tool), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def lines_by_file(out: str) -> dict[str, str]:
    """`ok|FAIL|SKIP <path> ...` lines keyed by the file stem."""
    res = {}
    for line in out.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) >= 2 and parts[0] in ("ok", "FAIL", "SKIP"):
            res[Path(parts[1]).name.split(".")[0]] = line
    return res


class ConnectorValidator(unittest.TestCase):
    def test_good_configs_pass(self):
        p = run("validate_connectors.py", str(FIX / "connectors" / "good"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        got = lines_by_file(p.stdout)
        for f in [*(FIX / "connectors" / "good" / "connect").glob("*.json"), *(FIX / "connectors" / "good" / "strimzi").glob("*.yaml")]:
            self.assertIn(f.stem, got, p.stdout)
        for stem in ("pg-orders", "mysql-shop", "sqlserver-ledger", "oracle-billing", "db2-stock"):
            self.assertTrue(got[stem].startswith("ok "), got[stem])
            self.assertIn("[Debezium validateAllFields]", got[stem])
        self.assertTrue(got["file-sink-audit"].startswith("ok "), got["file-sink-audit"])
        # the Strimzi form of a connector: spec.class + spec.config
        self.assertTrue(got["kafkaconnector-pg-orders"].startswith("ok "), got["kafkaconnector-pg-orders"])
        self.assertIn("KafkaConnector pg-orders (io.debezium.connector.postgresql.PostgresConnector) [Debezium", got["kafkaconnector-pg-orders"])
        # a class without a jar is never passed silently: a loud SKIP naming the reason
        self.assertTrue(got["jdbc-sink-merge"].startswith("SKIP "), got["jdbc-sink-merge"])
        self.assertIn("CANNOT VALIDATE", got["jdbc-sink-merge"])
        self.assertIn("1 skipped", p.stdout)

    def test_broken_configs_fail_naming_the_property(self):
        p = run("validate_connectors.py", str(FIX / "connectors" / "bad"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        expected = json.loads((FIX / "connectors" / "bad" / "expected.json").read_text())
        expected.pop("_doc")
        got = lines_by_file(p.stdout)
        files = {f.stem for f in (FIX / "connectors" / "bad" / "connect").glob("*.json")}
        files |= {f.stem for f in (FIX / "connectors" / "bad" / "strimzi").glob("*.yaml")}
        self.assertEqual(files, set(expected), "every bad fixture needs an expectation")
        for stem, props in expected.items():
            self.assertIn(stem, got, p.stdout)
            line = got[stem]
            self.assertTrue(line.startswith("FAIL "), line)
            for prop in props:
                self.assertIn(f": {prop}: ", line, f"{stem} must name {prop}")
        # only the named property fails in the Debezium-rule cases (nothing else is wrong)
        self.assertNotIn("database.dbname", got["pg-no-topic-prefix"])

    def test_skip_list_is_opt_in(self):
        empty = FIX / "connectors" / "no-skips.json"
        p = run("validate_connectors.py", "--skips", str(empty), str(FIX / "connectors" / "good" / "connect" / "jdbc-sink-merge.json"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("FAIL ", p.stdout)
        self.assertIn("CANNOT VALIDATE", p.stdout)

    def test_fail_on_skip(self):
        p = run("validate_connectors.py", "--fail-on-skip", str(FIX / "connectors" / "good"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("could not be validated (--fail-on-skip)", p.stdout)

    def test_missing_jars_fail_loudly(self):
        empty = FIX / "connectors" / "good" / "empty-dir"
        p = run("validate_connectors.py", "--jars", str(empty), str(FIX / "connectors" / "good"))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("CANNOT START", p.stderr)

    def test_no_configs_found_is_a_failure(self):
        p = run("validate_connectors.py", str(FIX / "connectors" / "good" / "empty-dir"))
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)


class K8sValidator(unittest.TestCase):
    def test_good_documents_pass(self):
        p = run("validate_k8s.py", str(FIX / "k8s" / "good"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for kind in ("KafkaConnect ", "KafkaConnector ", "KafkaTopic ", "Role ", "RoleBinding ", "NetworkPolicy ", "CronJob ", "ServiceAccount ", "Helm values"):
            self.assertIn(kind, p.stdout)
        self.assertNotIn("FAIL", p.stdout)

    def test_broken_documents_fail_with_the_reason(self):
        p = run("validate_k8s.py", str(FIX / "k8s" / "bad"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        expected = json.loads((FIX / "k8s" / "bad" / "expected.json").read_text())
        expected.pop("_doc")
        files = {f.name for f in (FIX / "k8s" / "bad").glob("*.yaml")}
        self.assertEqual(files, set(expected), "every bad fixture needs an expectation")
        lines = {Path(line.split()[1]).name: line for line in p.stdout.splitlines() if line.startswith(("ok ", "FAIL "))}
        for name, needles in expected.items():
            self.assertIn(name, lines, p.stdout)
            self.assertTrue(lines[name].startswith("FAIL "), lines[name])
            for needle in needles:
                self.assertIn(needle, lines[name])

    def test_missing_schemas_fail_loudly(self):
        p = run("validate_k8s.py", "--schemas", str(FIX / "no-such-dir"), str(FIX / "k8s" / "good"))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("CANNOT START", p.stderr)


class PostgresCdcEndToEnd(unittest.TestCase):
    """A real PostgreSQL cluster and the embedded Debezium engine (about 20 s each)."""

    def test_declared_table_captured_and_undeclared_not(self):
        cfg = FIX / "pg-e2e" / "pg-e2e-orders.json"
        p = run("pg_cdc_e2e.py", "--config", str(cfg), "--undeclared-table", "public.customers")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("ok   ", p.stdout)
        self.assertIn("change events for exactly ['public.orders']; none for public.customers", p.stdout)
        self.assertRegex(p.stdout, r"events for public\.orders: \{[^}]*'c': 1[^}]*'d': 1[^}]*'u': 1")

    def test_mismatch_between_config_and_declared_tables_fails(self):
        # the config captures orders and order_lines; the harness is told that orders and
        # refunds are declared and order_lines is not: both directions must be reported
        cfg = FIX / "pg-e2e" / "pg-e2e-mismatch.json"
        p = run("pg_cdc_e2e.py", "--config", str(cfg), "--table", "public.orders", "--table", "public.refunds",
                "--undeclared-table", "public.order_lines", "--event-timeout", "8")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("declared table public.refunds: no c/u/d events", p.stdout)
        self.assertIn("events for a table the config does not declare: public.order_lines", p.stdout)
        self.assertNotIn("declared table public.orders:", p.stdout)


class ShellCheck(unittest.TestCase):
    def test_clean_steps_pass(self):
        p = run("shellcheck_scripts.py", *map(str, sorted((FIX / "shell" / "good").glob("*.yml"))))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("ok   ", p.stdout)
        # two composite steps and one workflow step (its job's default shell, sh)
        self.assertIn("3 script(s) in 2 file(s): 0 file(s) with findings", p.stdout)

    def test_findings_are_reported_at_the_yaml_line(self):
        bad = FIX / "shell" / "bad"
        p = run("shellcheck_scripts.py", str(bad / "action.yml"), str(bad / "workflow.yml"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"{bad / 'action.yml'}:10: `${{{{ }}}}` inside run:", p.stdout)
        self.assertIn(f"{bad / 'action.yml'}:13: SC2164", p.stdout)
        self.assertIn(f"{bad / 'action.yml'}:14: SC2086", p.stdout)
        self.assertIn(f"{bad / 'workflow.yml'}:7: SC2154", p.stdout)
        self.assertIn("2 file(s) with findings", p.stdout)


if __name__ == "__main__":
    unittest.main()
