"""Stored articles as an Atom feed, so another reader can follow what newswatch matched."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(records: list[dict], title: str, now: datetime) -> str:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:newswatch:export"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = now.isoformat()
    for record in records:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = record["title"]
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:newswatch:article:{record['id']}"
        ET.SubElement(entry, f"{{{ATOM}}}link", href=record["url"])
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = record["updated_at"] or record["fetched_at"]
        if record["published_at"]:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = record["published_at"]
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = ", ".join(record["authors"]) or record["source"]
        for topic in record["topics"]:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=topic["name"])
        summary = (record.get("text") or "")[:600]
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
