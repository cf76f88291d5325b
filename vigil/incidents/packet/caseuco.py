"""The court packet's provenance record in CASE 1.x / UCO 1.x JSON-LD.

CASE (Cyber-investigation Analysis Standard Expression, caseontology.org) on UCO (Unified
Cyber Ontology) is the vocabulary digital-forensics tools exchange evidence provenance in. The
record holds one ``case-investigation:Investigation`` (the report), and for each exhibit (an
evidence item) a ``uco-observable:File`` with its SHA-256 in a ``ContentDataFacet``, a
``case-investigation:ProvenanceRecord`` naming it with an exhibit number, and one
``case-investigation:InvestigativeAction`` per custody entry (who performed it, when, why, on
which file). The packet's own export is a last action whose results are the packet's files.

Everything here is computed from the packet's manifest (``vigil.incidents.packet.bundle``), so
the record says nothing the manifest and ``verify.py`` do not also check.
"""

from __future__ import annotations

import re
from typing import Any

CONTEXT: dict[str, str] = {
    "kb": "urn:vigil:packet:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

ACTION_NAMES = {
    "ingest": "Evidence collected and stored",
    "view": "Evidence viewed",
    "download": "Original downloaded",
    "export": "Evidence exported",
    "transfer": "Custody transferred",
    "release": "Evidence released",
}


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-").lower() or "unknown"


def _time(value: str) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": value}


def _ref(node_id: str) -> dict[str, str]:
    return {"@id": node_id}


def file_node(
    node_id: str, *, name: str, sha256: str, size: int, media_type: str
) -> dict[str, Any]:
    """A ``uco-observable:File`` with its name, size and SHA-256."""
    return {
        "@id": node_id,
        "@type": "uco-observable:File",
        "uco-core:name": name,
        "uco-core:hasFacet": [
            {
                "@id": f"{node_id}-file-facet",
                "@type": "uco-observable:FileFacet",
                "uco-observable:fileName": name,
                "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(size)},
            },
            {
                "@id": f"{node_id}-content-facet",
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:mimeType": media_type,
                "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(size)},
                "uco-observable:hash": [
                    {
                        "@id": f"{node_id}-sha256",
                        "@type": "uco-types:Hash",
                        "uco-types:hashMethod": {
                            "@type": "uco-vocabulary:HashNameVocab",
                            "@value": "SHA256",
                        },
                        "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": sha256},
                    }
                ],
            },
        ],
    }


def provenance(
    manifest: dict[str, Any],
    *,
    packet_files: list[tuple[str, str, int, str]],
    tool_version: str,
) -> dict[str, Any]:
    """The JSON-LD document for a packet ``manifest``; ``packet_files`` are the packet's own
    files the export produced, as (name, sha256, size, media type)."""
    report = manifest["report"]
    number = str(report["number"])
    base = f"kb:{_slug(number)}-"
    graph: list[dict[str, Any]] = []
    people: dict[str, str] = {}

    def identity(label: str) -> str:
        if label not in people:
            node_id = f"{base}identity-{_slug(label)}"
            people[label] = node_id
            graph.append({"@id": node_id, "@type": "uco-identity:Identity", "uco-core:name": label})
        return people[label]

    tool_id = f"{base}tool-vigil"
    graph.append(
        {
            "@id": tool_id,
            "@type": "uco-tool:Tool",
            "uco-core:name": "Vigil",
            "uco-tool:version": tool_version,
            "uco-tool:toolType": "Evidence management",
        }
    )
    investigation_id = f"{base}investigation"
    members: list[dict[str, str]] = []
    records: list[dict[str, str]] = []

    for exhibit, item in enumerate(manifest["items"], start=1):
        file_id = f"{base}file-{item['id']}"
        record_id = f"{base}provenance-record-{item['id']}"
        graph.append(
            file_node(
                file_id,
                name=str(item["original_filename"]),
                sha256=str(item["sha256"]),
                size=int(item["size"]),
                media_type=str(item["media_type"]),
            )
        )
        graph.append(
            {
                "@id": record_id,
                "@type": "case-investigation:ProvenanceRecord",
                "case-investigation:exhibitNumber": f"{number}-E{exhibit}",
                "uco-core:description": str(item["title"]),
                "uco-core:object": [_ref(file_id)],
            }
        )
        records.append(_ref(record_id))
        members += [_ref(file_id), _ref(record_id)]
        for entry in item["custody"]:
            action_id = f"{base}custody-{item['id']}-{entry['seq']}"
            node: dict[str, Any] = {
                "@id": action_id,
                "@type": "case-investigation:InvestigativeAction",
                "uco-core:name": ACTION_NAMES.get(entry["action"], entry["action"]),
                "uco-core:description": (
                    f"{entry['reason']} (custody entry #{entry['seq']} of item {item['id']}, "
                    f"from {entry['ip'] or 'no address recorded'}, hash {entry['hash']})"
                ),
                "uco-action:performer": _ref(identity(str(entry["actor_label"]))),
                "uco-action:startTime": _time(str(entry["at"])),
                "uco-action:object": [_ref(file_id)],
            }
            if entry["action"] == "ingest":
                node["uco-action:instrument"] = _ref(tool_id)
                node["uco-action:result"] = [_ref(record_id)]
            graph.append(node)
            members.append(_ref(action_id))

    results = []
    for name, sha256, size, media_type in packet_files:
        node_id = f"{base}packet-{_slug(name)}"
        graph.append(file_node(node_id, name=name, sha256=sha256, size=size, media_type=media_type))
        results.append(_ref(node_id))
        members.append(_ref(node_id))
    export_id = f"{base}packet-export"
    graph.append(
        {
            "@id": export_id,
            "@type": "case-investigation:InvestigativeAction",
            "uco-core:name": "Court packet exported",
            "uco-core:description": str(manifest["reason"]),
            "uco-action:performer": _ref(identity(str(manifest["created_by"]))),
            "uco-action:startTime": _time(str(manifest["created_at"])),
            "uco-action:instrument": _ref(tool_id),
            "uco-action:object": records,
            "uco-action:result": results,
        }
    )
    members.append(_ref(export_id))
    graph.insert(
        0,
        {
            "@id": investigation_id,
            "@type": "case-investigation:Investigation",
            "uco-core:name": number,
            "case-investigation:focus": str(report["title"]),
            "uco-core:description": (
                f"Incident report {number} of {report['school']} ({report['status']}), "
                f"{len(report['versions'])} versions, {len(report['addenda'])} addenda"
            ),
            "uco-core:object": members,
        },
    )
    return {"@context": dict(CONTEXT), "@graph": graph}
