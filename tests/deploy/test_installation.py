"""Static checks of the installation files: there is no Docker engine here to run them.

The compose file must parse, declare every service with a healthcheck where others wait on it,
keep Prefect's database apart from newsdesk's, build the worker from files that exist, and
carry no secrets; prefect.yaml must point at a real flow.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

SERVICES = {"db", "prefect-db", "prefect-server", "migrate", "deploy", "worker"}


def _compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_declares_every_service() -> None:
    assert set(_compose()["services"]) >= SERVICES


def test_services_others_wait_on_have_healthchecks() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{dependency} has no healthcheck"
    assert {"db", "prefect-db", "prefect-server"} <= {
        n for n, s in services.items() if "healthcheck" in s
    }


def test_data_lives_in_volumes() -> None:
    compose = _compose()
    for name in ("db", "prefect-db"):
        volume = compose["services"][name]["volumes"][0].split(":")[0]
        assert volume in compose["volumes"], f"{name} data is not in a named volume"


def test_prefect_never_uses_newsdesks_database() -> None:
    services = _compose()["services"]
    prefect_url = services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    newsdesk_url = services["worker"]["environment"]["NEWSDESK_DATABASE_URL"]
    assert "@prefect-db:" in prefect_url and "@db:" in newsdesk_url


def test_migration_runs_once_before_the_worker() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["newsdesk", "migrate"]
    assert services["migrate"]["restart"] == "no"
    waits = services["worker"]["depends_on"]
    assert waits["migrate"]["condition"] == "service_completed_successfully"
    assert "/inbox" in " ".join(services["worker"]["volumes"])


def test_worker_image_builds_from_files_that_exist() -> None:
    services = _compose()["services"]
    assert services["worker"]["build"] == "."
    dockerfile = (REPO / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO / source).exists(), f"Dockerfile copies missing {source}"
    assert re.search(r"^FROM python:3\.11", dockerfile, re.M)


def test_secrets_come_from_env_never_the_repo() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if "PASSWORD" in line and ":" in line and not line.strip().startswith("#"):
            assert "${" in line, f"a password is not taken from .env: {line.strip()}"
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert ".env" not in tracked and ".env.example" in tracked
    assert ".env" in (REPO / ".gitignore").read_text().split()
    example = (REPO / ".env.example").read_text()
    config = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for key in re.findall(r"\$\{(\w+):\?", config):
        assert f"{key}=" in example, f"{key} is required by compose but not in .env.example"


def test_prefect_yaml_points_at_the_inbox_flow() -> None:
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    path, _, name = deployment["entrypoint"].partition(":")
    assert (REPO / path).exists()
    from flows import etl

    flow = getattr(etl, name)
    assert flow.name == "newsdesk-inbox"
    assert set(deployment["parameters"]) <= set(flow.parameters.properties)
    assert deployment["work_pool"]["name"] == "newsdesk"
    assert deployment["schedules"][0]["cron"]
    assert deployment["concurrency_limit"]["limit"] == 1


def test_declared_automations_validate() -> None:
    import uuid

    from flows.automations import declared

    (automation,) = declared(uuid.uuid4())
    assert automation.trigger.expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}


def test_dockerfile_runs_as_unprivileged_user() -> None:
    assert re.search(r"^USER (?!root)\w+", (REPO / "Dockerfile").read_text(), re.M)


def test_ci_and_readme_agree_on_the_test_command() -> None:
    ci = Path(REPO / ".ci" / "run").read_text()
    readme = (REPO / "README.md").read_text()
    assert ".venv/bin/pytest" in ci and ".venv/bin/pytest" in readme.split("\n## ")[0]
