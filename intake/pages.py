"""The service's own answers: a small page styled by the site's stylesheet, everything escaped."""

from __future__ import annotations

from html import escape

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} · Breakout</title>
<link rel="stylesheet" href="{site}/theme/css/breakout.css">
</head>
<body>
<main id="main" class="container">
<h1>{title}</h1>
<p role="alert" class="intake-error">{reason}</p>
{kept}<p><a href="{back}">{back_label}</a></p>
</main>
</body>
</html>
"""


def rejection_page(site_url: str, reason: str, comment: str = "", back: str = "") -> str:
    """The page for a refused post: the reason, the reader's text to copy, and a way back."""
    kept = ""
    if comment:
        kept = (
            '<p><label for="kept-comment">Your comment, so it is not lost '
            "(copy it, go back and send it again):</label></p>\n"
            f'<p><textarea id="kept-comment" rows="8" cols="60" readonly>{escape(comment)}'
            "</textarea></p>\n"
        )
    return TEMPLATE.format(
        title="Your comment was not sent",
        site=escape(site_url),
        reason=escape(reason),
        kept=kept,
        back=escape(back or site_url + "/"),
        back_label="Back to the write-up" if back else "Back to the site",
    )
