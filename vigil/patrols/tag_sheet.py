"""Printable checkpoint tags: one QR code per patrol stop of a building, on A4/Letter-safe pages.

Each code holds the full URL of the signed tag (``vigil.patrols.tags``), so any phone camera
opens the check-in page; the label under it says where to fix the tag.
"""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from vigil.patrols import tags
from vigil.patrols.graph_source import campus_graph
from vigil.sites.models import Building

COLUMNS, ROWS = 3, 4
CELL_W, CELL_H = 60.0, 62.0  # mm, on a 210 × 279 mm printable area (fits A4 and Letter)
QR_MM = 42.0


def _latin1(text: str) -> str:
    # The core PDF fonts are Latin-1; a label with other characters still prints legibly.
    plain = text.replace("–", "-").replace("—", "-").replace("’", "'")
    return plain.encode("latin-1", "replace").decode("latin-1")


def render(building: Building, *, base_url: str) -> bytes:
    """The PDF of ``building``'s tags; ``base_url`` is the site's address (https://host/)."""
    graph, _ = campus_graph(building.school, building=building)
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"Patrol tags – {building.school.name}, {building.name}")
    per_page = COLUMNS * ROWS
    nodes = sorted(graph.nodes, key=lambda n: (not n.id.startswith("door-"), n.label))
    for index, node in enumerate(nodes):
        if index % per_page == 0:
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 12)
            pdf.set_xy(10, 6)
            pdf.cell(0, 6, _latin1(f"{building.school.name} – {building.name}: patrol tags"))
        slot = index % per_page
        x = 12 + (slot % COLUMNS) * CELL_W
        y = 16 + (slot // COLUMNS) * CELL_H
        url = base_url.rstrip("/") + tags.url(building.school_id, node.id)
        image = io.BytesIO()
        segno.make(url, error="m").save(image, kind="png", scale=6, border=2)
        image.seek(0)
        pdf.rect(x, y, CELL_W - 4, CELL_H - 4)
        pdf.image(image, x=x + (CELL_W - 4 - QR_MM) / 2, y=y + 2, w=QR_MM, h=QR_MM)
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_xy(x + 1, y + QR_MM + 3)
        pdf.multi_cell(CELL_W - 6, 4, _latin1(node.label), align="C")
        pdf.set_font("Helvetica", "", 7)
        pdf.set_xy(x + 1, y + CELL_H - 9)
        pdf.cell(CELL_W - 6, 3, _latin1(f"Vigil checkpoint {node.id}"), align="C")
    if not nodes:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(0, 10, "This building has no mapped areas or exterior doors to tag.")
    return bytes(pdf.output())
