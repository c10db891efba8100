"""Apply the automations declared in `automations/` to the Prefect server in use."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import yaml
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.orchestration import get_client
from prefect.events.schemas.automations import AutomationCore

AUTOMATIONS_DIR = Path(__file__).resolve().parents[1] / "automations"
BLOCK_PLACEHOLDER = "{{ block_document_id }}"
WEBHOOK_BLOCK_NAME = "newsdesk-alerts"


def declared(block_document_id: UUID, folder: Path = AUTOMATIONS_DIR) -> list[AutomationCore]:
    """Every automation declared in `folder`, its notification pointed at the given block."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for item in data.get("automations", []):
            found.append(AutomationCore.model_validate(_with_block(item, block_document_id)))
    return found


def _with_block(item: dict[str, Any], block_document_id: UUID) -> dict[str, Any]:
    actions = [
        {**a, "block_document_id": str(block_document_id)}
        if a.get("block_document_id") == BLOCK_PLACEHOLDER
        else a
        for a in item.get("actions", [])
    ]
    return {**item, "actions": actions}


def save_webhook(url: str) -> UUID:
    """A webhook notification block that posts the subject and body as JSON."""
    block = CustomWebhookNotificationBlock(
        name=WEBHOOK_BLOCK_NAME,
        url=url,
        method="POST",
        json_data={"text": "{{subject}}\n{{body}}", "title": "{{name}}"},
        headers=None,
        cookies=None,
    )
    block_id = block.save(WEBHOOK_BLOCK_NAME, overwrite=True)
    return UUID(str(block_id))


def apply(webhook_url: str) -> list[UUID]:
    """Create (or replace, by name) every declared automation; returns their ids."""
    block_id = save_webhook(webhook_url)
    ids = []
    with get_client(sync_client=True) as client:
        for automation in declared(block_id):
            for old in client.read_automations_by_name(automation.name):
                client.delete_automation(old.id)
            ids.append(client.create_automation(automation))
    return ids
