"""The graph as open data: graph.json (JSON Schema in schema.json) and one CSV per table.

Typed rows in (model.Graph), json and csv modules out. Lists in a CSV cell are joined
with a space (slugs never hold one); handles are `network:handle`. CSV files are UTF-8
with a byte-order mark (so spreadsheets read the accents) and CRLF rows (RFC 4180).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from importlib import resources
from typing import Any

from .model import (
    EventRow,
    Graph,
    Handle,
    Licence,
    PersonRow,
    SessionRow,
    TopicRow,
    WriteupRow,
)

SCHEMA_FILE = "schema.json"  # shipped in this package; written beside graph.json
ROW_TYPES: dict[str, type] = {
    "people": PersonRow,
    "topics": TopicRow,
    "events": EventRow,
    "sessions": SessionRow,
    "writeups": WriteupRow,
}
TABLES = tuple(ROW_TYPES)


def _value(value: Any) -> Any:
    """A JSON value of a row field: dates as ISO 8601, tuples as lists, handles as objects."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Handle):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


def row(obj: Any) -> dict[str, Any]:
    """A row dataclass as a JSON object, fields in declaration order."""
    return {f.name: _value(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _licence(licence: Licence) -> dict[str, str] | None:
    """The licence object, or None when the site states none."""
    if not licence.name and not licence.url:
        return None
    return {"name": licence.name or licence.url, "url": licence.url}


def graph_document(graph: Graph, schema_url: str) -> dict[str, Any]:
    """graph.json as a dict (schema.json documents every key)."""
    site = graph.site
    return {
        "$schema": schema_url,
        "site": {"name": site.name, "url": f"{site.url}/", "description": site.description},
        "licence": _licence(site.licence),
        **{table: [row(r) for r in getattr(graph, table)] for table in TABLES},
    }


def graph_json(graph: Graph, schema_url: str) -> bytes:
    """graph.json's bytes: indented for people reading it, keys in a fixed order."""
    text = json.dumps(graph_document(graph, schema_url), ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def schema_text() -> str:
    """The schema as shipped in this package."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8")


def schema_json(schema_url: str) -> bytes:
    """schema.json's bytes, its $id set to where it is published."""
    schema = json.loads(schema_text())
    schema["$id"] = schema_url
    text = json.dumps(schema, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def _cell(value: Any) -> str:
    """A CSV cell: lists joined by spaces, handles as network:handle, None as empty."""
    if value is None:
        return ""
    if isinstance(value, Handle):
        return f"{value.network}:{value.handle}"
    if isinstance(value, tuple):
        return " ".join(_cell(v) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def table_csv(graph: Graph, table: str) -> bytes:
    """One table as CSV: a header of the field names, then a row per item."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    fields = [f.name for f in dataclasses.fields(ROW_TYPES[table])]
    writer.writerow(fields)
    for r in getattr(graph, table):
        writer.writerow([_cell(getattr(r, name)) for name in fields])
    return out.getvalue().encode("utf-8-sig")
