"""Fail on every wapiti finding that the accepted list does not explain.

Usage: scan_findings.py REPORT.json ACCEPTED.json
ACCEPTED.json maps a wapiti category to a list of {"path": <URL path or "*">, "why": <reason>}.
"""
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

report = json.loads(Path(sys.argv[1]).read_text())
accepted = json.loads(Path(sys.argv[2]).read_text())
info = report.get("infos", {})
print(f"{sys.argv[1]}: {info.get('target')} crawled {info.get('crawled_pages_nbr', '?')} pages")

unexplained = []
for section in ("vulnerabilities", "anomalies"):
    for category, findings in report.get(section, {}).items():
        for finding in findings:
            path = urlsplit(finding.get("path") or finding.get("http_request", "")).path or "/"
            reasons = accepted.get(category, [])
            if any(entry["path"] in ("*", path) for entry in reasons):
                continue
            unexplained.append(f"{section}: {category} at {finding.get('method', '')} "
                               f"{finding.get('path')} {finding.get('info', '')}")
for line in unexplained:
    print(line)
sys.exit(1 if unexplained else 0)
