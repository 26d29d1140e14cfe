"""Import benchmark: generate a WXR 1.2 export (N posts, M comments), import it under
`/usr/bin/time -v`, print wall time, CPU time and peak RSS.

    python3 -m bench.importer --posts 2000 --comments 10000
    python3 -m bench.importer --posts 2000 --comments 10000 --words 6000   # a ~100 MB export

Seeded RNG, no clock: the same arguments give the same export.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = " ".join(
    [
        "police social media engagement session unconference public sector data crowdsource",
        "hyperlocal community officers trust leadership strategy risk Twitter blog",
        "neighbourhood conversation listen human council web team comms",
    ]
).split()
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench blog</title><link>https://bench.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example.org</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login><wp:author_email><![CDATA[admin@example.org]]></wp:author_email><wp:author_display_name><![CDATA[Bench Author]]></wp:author_display_name></wp:author>
"""


def _text(rng: random.Random, words: int) -> str:
    """Paragraphs separated by blank lines (wpautop's input), with a link and a hashtag."""
    out = []
    while words > 0:
        n = min(words, rng.randint(40, 120))
        words -= n
        sentence = " ".join(rng.choice(WORDS) for _ in range(n))
        out.append(
            f'{sentence} <a href="https://twitter.com/user{rng.randint(1, 400)}">'
            f"@user{rng.randint(1, 400)}</a> #ukgc11 &amp; <em>more</em>."
        )
    return "\n\n".join(out)


def generate(path: Path, posts: int, comments: int, words: int, seed: int = 16) -> None:
    """Write the export to `path`, streaming (the file never sits in memory)."""
    rng = random.Random(seed)
    per_post = [0] * posts
    for _ in range(comments):
        per_post[rng.randrange(posts)] += 1
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(1, posts + 1):
            day = f"20{10 + n % 12:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            out.write(
                f"<item><title><![CDATA[Session {n}: {rng.choice(WORDS)} &#038; {rng.choice(WORDS)}]]></title>"
                f"<link>https://bench.example.org/{day.replace('-', '/')}/post-{n}/</link>"
                f"<dc:creator><![CDATA[admin]]></dc:creator>"
                f"<content:encoded><![CDATA[{_text(rng, words)}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date_gmt><![CDATA[{day} 10:00:00]]></wp:post_date_gmt>"
                f"<wp:post_name><![CDATA[post-{n}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
                f"<wp:post_type><![CDATA[post]]></wp:post_type>"
                f'<category domain="post_tag" nicename="t{n % 50}"><![CDATA[topic {n % 50}]]></category>\n'
            )
            first = comment_id + 1
            for _ in range(per_post[n - 1]):
                comment_id += 1
                parent = (
                    rng.randrange(first, comment_id)
                    if comment_id > first and rng.random() < 0.3
                    else 0
                )
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {rng.randint(1, 900)}]]></wp:comment_author>"
                    f"<wp:comment_author_email><![CDATA[r{comment_id}@example.net]]></wp:comment_author_email>"
                    f"<wp:comment_author_IP><![CDATA[192.0.2.{comment_id % 250}]]></wp:comment_author_IP>"
                    f"<wp:comment_date_gmt><![CDATA[{day} 12:00:00]]></wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{_text(rng, rng.randint(20, 80))}]]></wp:comment_content>"
                    f"<wp:comment_approved><![CDATA[1]]></wp:comment_approved>"
                    f"<wp:comment_type><![CDATA[comment]]></wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def measure(export: Path, content: Path) -> dict[str, str]:
    """Import `export` into `content` under /usr/bin/time -v; the figures it reports."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "tools.importer", str(export),
         "--content", str(content)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"import failed:\n{done.stderr[-2000:]}")
    wanted = {
        "Elapsed (wall clock) time (h:mm:ss or m:ss)": "wall",
        "User time (seconds)": "user",
        "System time (seconds)": "system",
        "Maximum resident set size (kbytes)": "max_rss_kb",
    }
    figures = {}
    for line in done.stderr.splitlines():
        key, _, value = line.strip().rpartition(": ")
        if key in wanted:
            figures[wanted[key]] = value
    figures["report"] = done.stdout.splitlines()[0]
    return figures


def main() -> None:
    """Generate, import twice (the second is the no-op re-import), print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=10000)
    parser.add_argument("--words", type=int, default=700, help="words per post")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "import")
    args = parser.parse_args()
    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    content = work / "content"
    content.mkdir(parents=True)
    (content / "events.toml").write_text(
        '[events.ukgovcamp-2011]\nname = "UK GovCamp 2011"\ndate = 2011-01-22\nhashtags = ["ukgc11"]\n'
    )
    export = work / "export.xml"
    generate(export, args.posts, args.comments, args.words)
    size = export.stat().st_size / 1e6
    print(f"export: {args.posts} posts, {args.comments} comments, {size:.1f} MB")
    for label in ("first import", "re-import (no-op)"):
        figures = measure(export, content)
        rss = int(figures["max_rss_kb"]) / 1024
        print(
            f"{label}: wall {figures['wall']}, user {figures['user']} s, "
            f"system {figures['system']} s, peak RSS {rss:.1f} MiB — {figures['report']}"
        )
    files = sum(1 for p in content.rglob("*.md"))
    print(f"files: {files} Markdown files in {content}")


if __name__ == "__main__":
    main()
