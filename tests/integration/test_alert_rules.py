"""The Prometheus alert rules (deploy/prometheus/): valid for promtool, firing on the series
their unit tests give, and built only on figures our /metrics really exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.http_support import http_server, request, with_token
from tests.integration.pipeline_harness import Harness

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
# PromQL's own words: whatever else an expression names is a metric
PROMQL_WORDS = {"and", "or", "unless", "on", "ignoring", "by", "without", "offset", "bool",
                "group_left", "group_right"}
SELECTOR = re.compile(r"(?<![\w.\"])([a-zA-Z_:][\w:]*)(?![\w:])\s*(\{[^}]*\})?(?!\s*\()")
MATCHER = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    assert binary, "promtool is missing: `make test` installs Debian's prometheus package"
    return subprocess.run([binary, *args], cwd=DEPLOY, capture_output=True, text=True,
                          timeout=120)


def rule_expressions() -> dict[str, str]:
    groups = yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"]
    return {rule["alert"]: rule["expr"] for group in groups for rule in group["rules"]}


def selectors(expr: str) -> list[tuple[str, dict[str, str]]]:
    """The metrics an expression reads, each with its label matchers."""
    return [(name, dict(MATCHER.findall(labels or "")))
            for name, labels in SELECTOR.findall(expr) if name not in PROMQL_WORDS]


def test_promtool_accepts_the_rules_and_the_config() -> None:
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 8 rules found" in checked.stdout
    config = promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr


def test_every_alert_fires_and_stays_quiet_as_its_unit_tests_say() -> None:
    tested = promtool("test", "rules", "alerts_test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    cases = yaml.safe_load((DEPLOY / "alerts_test.yml").read_text())["tests"]
    fired = {check["alertname"] for case in cases for check in case["alert_rule_test"]
             if check["exp_alerts"]}
    quiet = {check["alertname"] for case in cases for check in case["alert_rule_test"]
             if not check["exp_alerts"]}
    assert fired == quiet == set(rule_expressions())


def test_a_wrong_expectation_fails_the_unit_tests(tmp_path: Path) -> None:
    """promtool really compares: the same tests with one threshold moved fail."""
    shutil.copy(DEPLOY / "alerts_test.yml", tmp_path / "alerts_test.yml")
    rules = (DEPLOY / "alerts.yml").read_text()
    assert "hotgigs_inbound_quarantined_last_hour > 20" in rules
    (tmp_path / "alerts.yml").write_text(
        rules.replace("hotgigs_inbound_quarantined_last_hour > 20",
                      "hotgigs_inbound_quarantined_last_hour > 30"))
    tested = subprocess.run([str(shutil.which("promtool")), "test", "rules", "alerts_test.yml"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert tested.returncode != 0
    assert "HotGigsEmailQuarantineSpike" in tested.stdout + tested.stderr


def test_the_selector_reader_sees_metrics_and_matchers() -> None:
    assert selectors('sum(a_b{x="1"}) / sum(c) > 0.8 and on() d offset 30m') == [
        ("a_b", {"x": "1"}), ("c", {}), ("d", {})]


def test_the_rules_read_only_what_metrics_exports(pg_harness: Harness) -> None:
    """Scrape a real app: every metric a rule names is exported, with the label values the rule
    selects (the live figures export their zero rows), so the rules cannot drift from the code."""
    with http_server(with_token(pg_harness, None)) as port:
        status, _, body = request(port, "GET", "/metrics")
    assert status == 200
    exported: dict[str, list[dict[str, str]]] = {}
    for family in text_string_to_metric_families(body.decode()):
        exported.setdefault(family.name, [])
        for sample in family.samples:
            exported.setdefault(sample.name, []).append(sample.labels)
    scrape = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in scrape["scrape_configs"]}

    used = set()
    for alert, expr in rule_expressions().items():
        for name, matchers in selectors(expr):
            used.add(name)
            if name == "up":  # Prometheus' own series about the scrape of our job
                assert matchers.get("job") in jobs, alert
                continue
            assert name in exported, f"{alert} reads {name}, which /metrics does not export"
            assert any(matchers.items() <= labels.items() for labels in exported[name]), \
                f"{alert} selects {name}{matchers}, which /metrics does not export"
    assert {"hotgigs_workers_live", "hotgigs_batch_oldest_open_seconds",
            "hotgigs_drive_folders", "hotgigs_inbound_quarantined_last_hour"} <= used
