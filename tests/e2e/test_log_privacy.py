"""No process log holds a resident's phone or identity number in clear: after a short
conversation that gives both, every log in the data dir's logs/ (Rasa, the action
server, the gateway, the jobs process) is scanned for the raw patterns."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
ID_CARD = "110101199003071234"
# Any mainland mobile or 18-digit identity number, however it is written.
RAW_MOBILE = re.compile(r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
RAW_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def test_no_process_log_holds_a_phone_or_an_identity_number(butler):
    sid = "log-privacy-1"
    # A complaint whose own words hold both numbers: the action server logs the filed
    # ticket's description, so this path writes them to a log unless they are masked.
    butler.say(sid, f"3号楼电梯坏了困了好几天了，我电话{PHONE}，身份证{ID_CARD}")
    butler.say(sid, f"我的电话是{PHONE}")
    butler.say(sid, f"我的身份证号是{ID_CARD}，手机 139-1234-5678")
    butler.say(sid, PHONE)
    # The same words through Open311: the gateway files the ticket and logs it.
    services = butler.http.get(f"{butler.gateway_url}/open311/v2/services.json").json()
    filed = butler.http.post(f"{butler.gateway_url}/open311/v2/requests.json", data={
        "api_key": butler.settings.open311_api_key, "service_code": services[0]["service_code"],
        "address_string": "幸福里3号楼", "phone": PHONE,
        "description": f"3号楼楼道灯坏了，请联系{PHONE}，身份证{ID_CARD}"})
    assert filed.status_code == 200, filed.text
    time.sleep(2)  # the supervisor writes each line as it comes; let the last ones land
    logs = sorted(Path(butler.settings.data_dir, "logs").glob("*.log"))
    names = {log.name for log in logs}
    assert {"rasa.log", "actions.log", "gateway.log", "jobs.log"} <= names, names
    leaks = []
    for log in logs:
        for number, line in enumerate(log.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if RAW_MOBILE.search(line) or RAW_ID_CARD.search(line):
                leaks.append(f"{log.name}:{number}: {line[:200]}")
    assert leaks == []
    # The numbers did reach the logs, masked: the scan looked where they were written.
    everything = "\n".join(log.read_text(encoding="utf-8", errors="replace") for log in logs)
    assert "139****5678" in everything and "110101********4" in everything
