"""What Pelican's Writer.write_file gives a template, for plugins that render pages themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pelican.utils import get_relative_path, path_to_url


def local_context(
    context: Mapping[str, Any], name: str, variables: Mapping[str, Any], relative_urls: bool
) -> dict[str, Any]:
    """The local context of one page exactly as Pelican's Writer builds it."""
    local = dict(context)
    local["localsiteurl"] = local.get("localsiteurl")
    if relative_urls:
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    local.update(variables)
    return local
