"""Prometheus and Grafana files (compose starts them): they parse, and every compraagil_* metric
they name is one the code exposes (a renamed metric would silently blank a panel or an alert)."""

import json
import re

import yaml

from compraagil import metrics
from compraagil.config import PROJECT_ROOT
from compraagil.shared_metrics import SharedHistogram
from compraagil_web.scrape_metrics import register_scrape_metrics

OPS = PROJECT_ROOT / "ops"
NAMED = re.compile(r"\bcompraagil_[a-z_]+")
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")


def exposed() -> set[str]:
    register_scrape_metrics()
    names = metrics.read_at_scrape_names()
    for value in vars(metrics).values():
        name = getattr(value, "_name", None)
        if isinstance(name, str) and name.startswith("compraagil_"):
            kind = getattr(value, "_type", "")
            names.add(f"{name}_total" if kind == "counter" else name)
            if kind == "histogram":
                names |= {name + suffix for suffix in HISTOGRAM_SUFFIXES}
    for shared in metrics.SHARED:
        names.add(shared.name)
        if isinstance(shared, SharedHistogram):
            names |= {shared.name + suffix for suffix in HISTOGRAM_SUFFIXES}
    return names


def expressions() -> list[str]:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    found = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((OPS / "grafana" / "dashboards" / "compraagil.json").read_text())
    found += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    return found


def test_every_metric_the_rules_and_the_dashboard_name_is_exposed():
    named = {name for expression in expressions() for name in NAMED.findall(expression)}
    assert named, "the files name our metrics"
    assert named <= exposed(), sorted(named - exposed())


def test_prometheus_scrapes_each_web_process_and_the_shared_figures_once_and_loads_the_rules():
    config = yaml.safe_load((OPS / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert {jobs[name]["metrics_path"] for name in ("compraagil", "compraagil_web")} == {"/metrics"}
    assert jobs["compraagil"]["params"] == {"scope": ["shared"]}
    assert jobs["compraagil"]["static_configs"][0]["targets"] == ["nginx:3000"]
    assert jobs["compraagil_web"]["params"] == {"scope": ["local"]}
    assert jobs["compraagil_web"]["dns_sd_configs"][0] == {"names": ["web"], "type": "A", "port": 8000}
    assert jobs["node"]["static_configs"][0]["targets"] == ["node-exporter:9100"]
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    names = {
        rule["alert"]
        for group in yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
    }
    assert {
        "QueueBacklog",
        "JobsFailing",
        "HighErrorRate",
        "SlowRoutes",
        "BackupTooOld",
        "WebAppDown",
        "VolumeAlmostFull",
    } <= names


def test_prometheus_alerts_go_through_alertmanager_to_the_web_apps_route():
    prometheus = yaml.safe_load((OPS / "prometheus" / "prometheus.yml").read_text())
    assert prometheus["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["alertmanager:9093"]
    alertmanager = yaml.safe_load((OPS / "alertmanager" / "alertmanager.yml").read_text())
    (receiver,) = alertmanager["receivers"]
    (hook,) = receiver["webhook_configs"]
    assert alertmanager["route"]["receiver"] == receiver["name"] and hook["send_resolved"]
    assert hook["url"] == "http://web:3000/api/ops/alertmanager"
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    secret = hook["http_config"]["authorization"]["credentials_file"].rsplit("/", 1)[1]
    assert secret in compose["services"]["alertmanager"]["secrets"]
    assert compose["secrets"][secret] == {"environment": "ALERTMANAGER_WEBHOOK_TOKEN"}
