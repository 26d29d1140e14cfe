"""Vanilla against Breakout, A B A B: the repeats, their medians and ratios, the printed table."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus as corpus_mod
from bench.measure import (
    BREAKOUT_CONF,
    SAMPLE_SECONDS,
    VANILLA_CONF,
    Build,
    Print,
    Site,
    Tree,
    cache_stamp,
    fmt_ratio,
    machine_line,
    mib,
    run_build,
    run_kept,
    say,
    tree_size,
)
from bench.searchalone import SearchCost, measure_plain_search, measure_search
from bench.workspace import corpus_line, prepare, variant

RETRIES = 2  # extra attempts at a repeat during which the Breakout code changed
TARGETS = {
    "cold": 1.0,
    "cold_wall": 0.6,
    "warm_over_cold": 0.3,
    "rss": 1.5,
    "bytes": 0.5,
    "scale": 1.0,  # --scale: time ratio over size ratio (issue 21: 5,000/2,000 ≤ 2.5)
}
TREE_RSS_TARGET_MB = 500  # issue 21: the whole process tree, search indexer included
REBUILD_WALL_TARGET = 0.1  # issue 21: a one-edit rebuild in a tenth of the cold build's wall


@dataclass
class Repeat:
    """One repeat: each site's (cold, warm, output tree), whether the warm builds could use
    the cache (no cache stamp changed between cold and warm), and the focus site's extras."""

    builds: dict[str, tuple[Build, Build, Tree]]
    cached: bool
    alone: SearchCost | None = None  # its cold build's pages indexed apart (search on)
    plain: SearchCost | None = None  # vanilla's cold build indexed by one Pagefind run (idem)
    unchanged: Build | None = None  # rebuilt once more after the warm build, nothing changed
    kept: dict[str, float] | None = None  # one-word edits rebuilt as `invoke livereload` does


def _one_repeat(
    sites: Sequence[Site],
    target: str,
    label: str,
    *,
    focus: str | None = None,
    search_alone: bool = False,
) -> Repeat:
    """Cold builds (A B), the one-word edit in both corpora, warm builds (A B).

    focus (a site's name) is then built once more with nothing changed: the floor a one-edit
    rebuild stands on; then the same edit is rebuilt as `invoke livereload` does, by a site
    that keeps what it read (bench.kept, an even number of edits). With search_alone, its
    cold build's pages are also indexed apart, and the other site's (vanilla's) by one
    Pagefind run, as a Pelican site adds search.
    """
    cold: dict[str, Build] = {}
    trees: dict[str, Tree] = {}
    stamps: dict[str, str] = {}
    alone = plain = unchanged = kept = None
    for site in sites:
        site.clean()
        cold[site.name] = run_build(site, f"cold{label}")
        trees[site.name] = tree_size(site.output)
        stamps[site.name] = cache_stamp(site)
        if search_alone:
            scratch = site.root / "search-alone"
            if site.name == focus:
                alone = measure_search(site.output, scratch, site.workers, site.trash)
            else:
                plain = measure_plain_search(site.output, site.content, scratch, site.trash)
    for site in sites:
        corpus_mod.edit_one_word(site.content / target)
    warm = {site.name: run_build(site, f"warm{label}") for site in sites}
    cached = all(cache_stamp(site) == stamps[site.name] for site in sites)
    for site in sites:
        if site.name == focus:
            unchanged = run_build(site, f"unchanged{label}")
            kept = run_kept(site, site.content / target, f"kept{label}")
    builds = {s.name: (cold[s.name], warm[s.name], trees[s.name]) for s in sites}
    return Repeat(builds, cached, alone, plain, unchanged, kept)


def compare(
    posts: int,
    repeats: int,
    workdir: Path,
    clock: str = "cpu",
    out: Print = say,
    *,
    conf: Path = BREAKOUT_CONF,
    shape: str = corpus_mod.DEFAULT_SHAPE,
    workers: int | None = None,
    search: bool = False,
) -> dict[str, float]:
    """Vanilla vs Breakout, A B A B; print the table and the final ratios line; return figures.

    search: Breakout's settings index the site, so each cold build's pages are indexed
    once more apart (bench.searchalone) and the table shows what the index costs alone.
    """
    base = workdir / f"compare-{posts}{variant(shape, workers)}"
    generated = prepare(posts, base, shape=shape)
    vanilla = Site("vanilla", VANILLA_CONF, base / "vanilla")
    breakout = Site("breakout", conf, base / "breakout", workers, fresh_output=True)
    sites = (vanilla, breakout)
    target = generated.edit_target
    out(f"machine: {machine_line()}")
    out(
        f"corpus: {corpus_line(posts, generated.comment_count, shape)}, "
        f"seed {generated.seed}, generated in {generated.seconds:.1f} s into {base}"
    )
    out(f"Breakout workers: {'as the environment says' if workers is None else workers}")
    out(f"repeats: {repeats} (A B A B: vanilla, breakout); warm edit: {target}")
    runs = run_repeats(sites, target, repeats, out, focus=breakout.name, search_alone=search)
    fig, ratios = summarise(runs, clock)
    print_table(fig, ratios, posts, repeats, clock, out)
    if runs.search:
        print_search_alone(fig, out)
    print_verdicts(fig, ratios, clock, runs.changed, out)
    return fig


@dataclass
class Runs:
    """Every repeat's builds per site, the last output tree, and the repeats whose cache broke."""

    cold: dict[str, list[Build]]
    warm: dict[str, list[Build]]
    trees: dict[str, Tree] = field(default_factory=dict)
    changed: list[int] = field(default_factory=list)
    search: list[SearchCost] = field(default_factory=list)  # the index apart, per repeat
    plain: list[SearchCost] = field(default_factory=list)  # vanilla's one Pagefind run, idem
    unchanged: list[Build] = field(default_factory=list)  # the focus rebuilt, nothing changed
    kept: list[dict[str, float]] = field(default_factory=list)  # bench.kept's result, per repeat


def run_repeats(
    sites: Sequence[Site],
    target: str,
    repeats: int,
    out: Print = say,
    *,
    focus: str | None = None,
    search_alone: bool = False,
) -> Runs:
    """Run the A B A B repeats, again (up to RETRIES times) when the cache stamp changed.

    focus: the site also rebuilt with nothing changed, and with search_alone its cold
    build's pages indexed once more apart (bench.searchalone), each repeat.
    """
    runs = Runs({s.name: [] for s in sites}, {s.name: [] for s in sites})
    for r in range(1, repeats + 1):
        for attempt in range(1, RETRIES + 2):
            label = f"{r}" if attempt == 1 else f"{r}.{attempt}"
            one = _one_repeat(sites, target, label, focus=focus, search_alone=search_alone)
            if one.cached:
                break
            # Plugin code changed mid-repeat (others work in this tree), so Breakout's cache
            # stamp changed and its "warm" build was really a cold read: measure it again.
            again = "; measuring it again" if attempt <= RETRIES else ""
            out(f"  repeat {r}: the cache stamp changed between cold and warm{again}")
        else:
            runs.changed.append(r)
        if one.alone is not None:
            runs.search.append(one.alone)
        if one.plain is not None:
            runs.plain.append(one.plain)
        if one.unchanged is not None:
            runs.unchanged.append(one.unchanged)
        if one.kept is not None:
            runs.kept.append(one.kept)
        for name, (c, w, tree) in one.builds.items():
            runs.cold[name].append(c)
            runs.warm[name].append(w)
            runs.trees[name] = tree
        out(
            f"  repeat {r} (CPU s): "
            + "; ".join(
                f"{s.name} cold {runs.cold[s.name][-1].cpu:.2f} "
                f"(user {runs.cold[s.name][-1].user:.2f}) warm {runs.warm[s.name][-1].cpu:.2f}"
                for s in sites
            )
        )
    return runs


def _med(builds: list[Build], attr: str) -> float:
    return statistics.median(getattr(b, attr) for b in builds)


def _peak_med(cold: list[Build], warm: list[Build], attr: str) -> float:
    """Peak of each repeat (cold or warm, whichever is higher), then the median."""
    return statistics.median(
        max(getattr(c, attr), getattr(w, attr)) for c, w in zip(cold, warm, strict=True)
    )


def summarise(runs: Runs, clock: str) -> tuple[dict[str, float], dict[str, float]]:
    """Medians per site (keys "<site>_<figure>") and the Breakout/vanilla ratios."""
    fig: dict[str, float] = {}
    for n in runs.cold:
        cold, warm = runs.cold[n], runs.warm[n]
        fig[f"{n}_cold"] = _med(cold, "wall")
        fig[f"{n}_warm"] = _med(warm, "wall")
        fig[f"{n}_cold_cpu"] = _med(cold, "cpu")
        fig[f"{n}_cold_user"] = _med(cold, "user")
        fig[f"{n}_cold_sys"] = _med(cold, "sys")
        fig[f"{n}_warm_cpu"] = _med(warm, "cpu")
        fig[f"{n}_rss_kib"] = _peak_med(cold, warm, "rss_kib")
        tree = runs.trees[n]
        fig[f"{n}_files"], fig[f"{n}_bytes"] = tree.files, tree.size
        fig[f"{n}_html_bytes"], fig[f"{n}_feed_bytes"] = tree.html, tree.feeds
        fig[f"{n}_cold_sub_cpu"] = _med(cold, "sub_cpu")
        fig[f"{n}_self_rss_kib"] = _peak_med(cold, warm, "self_rss_kib")
        fig[f"{n}_sub_rss_kib"] = _peak_med(cold, warm, "sub_rss_kib")
        fig[f"{n}_tree_rss_kib"] = _peak_med(cold, warm, "tree_rss_kib")
    if runs.unchanged:
        fig["breakout_unchanged"] = _med(runs.unchanged, "wall")
        fig["breakout_unchanged_cpu"] = _med(runs.unchanged, "cpu")
    if runs.kept:
        fig["breakout_kept"] = statistics.median(k["wall"] for k in runs.kept)
        fig["breakout_kept_cpu"] = statistics.median(k["cpu"] for k in runs.kept)
        fig["breakout_kept_written"] = sum(k["written"] for k in runs.kept)
        fig["breakout_kept_edits"] = sum(k["edits"] for k in runs.kept)
    if runs.search:
        fig["search_alone_wall"] = statistics.median(c.wall for c in runs.search)
        fig["search_alone_cpu"] = statistics.median(c.cpu for c in runs.search)
        fig["search_alone_pagefind_cpu"] = statistics.median(c.pagefind_cpu for c in runs.search)
    if runs.plain:
        fig["vanilla_search_wall"] = statistics.median(c.wall for c in runs.plain)
        fig["vanilla_search_cpu"] = statistics.median(c.cpu for c in runs.plain)
        fig["vanilla_search_pages"] = runs.plain[-1].pages
    # Time ratios use `clock`: CPU (user+sys of the build process and anything it waited
    # for) by default, because on a shared 2-core machine wall time mostly measures the
    # neighbours; "wall" is right on a quiet machine or if a build goes parallel.
    t = "_cpu" if clock == "cpu" else ""
    ratios = {
        "cold": fig[f"breakout_cold{t}"] / fig[f"vanilla_cold{t}"],
        # What a user waits for: wall time, whatever the clock (noisy on a shared machine).
        "cold_wall": fig["breakout_cold"] / fig["vanilla_cold"],
        "warm_over_cold": fig[f"breakout_warm{t}"] / fig[f"breakout_cold{t}"],
        "rss": fig["breakout_rss_kib"] / fig["vanilla_rss_kib"],
        "bytes": fig["breakout_bytes"] / fig["vanilla_bytes"],
    }
    fig.update({f"ratio_{k}": v for k, v in ratios.items()})
    return fig, ratios


def print_table(
    fig: dict[str, float],
    ratios: dict[str, float],
    posts: int,
    repeats: int,
    clock: str,
    out: Print = say,
) -> None:
    """The medians table: vanilla, Breakout and B/V for each figure."""
    t = "_cpu" if clock == "cpu" else ""
    rows = [
        ("cold build wall, s", "cold", "{:.2f}"),
        ("warm rebuild wall, s", "warm", "{:.2f}"),
        ("cold CPU (user+sys), s", "cold_cpu", "{:.2f}"),
        ("  of which user, s", "cold_user", "{:.2f}"),
        ("  of which system, s", "cold_sys", "{:.2f}"),
        ("warm CPU (user+sys), s", "warm_cpu", "{:.2f}"),
    ]
    out(f"medians of {repeats} repeat(s); time ratios below use {clock} time:")
    out(f"  {'':26}{'vanilla':>12}{'breakout':>12}{'B/V':>8}")
    for label, key, fmt in rows:
        v, b = fig[f"vanilla_{key}"], fig[f"breakout_{key}"]
        ratio = f"{b / v:>8.2f}" if v else f"{'-':>8}"
        out(f"  {label:26}{fmt.format(v):>12}{fmt.format(b):>12}{ratio}")
        if key == "cold_cpu" and (fig["breakout_cold_sub_cpu"] or fig["vanilla_cold_sub_cpu"]):
            # A plugin ran a tool (Pagefind, say): show its share of the cold build's CPU.
            v, b = fig["vanilla_cold_sub_cpu"], fig["breakout_cold_sub_cpu"]
            out(f"  {'  of which subprocesses':26}{v:>12.2f}{b:>12.2f}")
    v_wc, b_wc = fig[f"vanilla_warm{t}"] / fig[f"vanilla_cold{t}"], ratios["warm_over_cold"]
    out(f"  {'warm / cold (' + clock + ')':26}{v_wc:>12.2f}{b_wc:>12.2f}")
    v_ms, b_ms = 1000 * fig[f"vanilla_cold{t}"] / posts, 1000 * fig[f"breakout_cold{t}"] / posts
    out(f"  {'cold ms/write-up (' + clock + ')':26}{v_ms:>12.1f}{b_ms:>12.1f}{b_ms / v_ms:>8.2f}")
    v_rss, b_rss = mib(fig["vanilla_rss_kib"]), mib(fig["breakout_rss_kib"])
    out(f"  {'peak RSS, MiB':26}{v_rss:>12.1f}{b_rss:>12.1f}{ratios['rss']:>8.2f}")
    v_tree, b_tree = mib(fig["vanilla_tree_rss_kib"]), mib(fig["breakout_tree_rss_kib"])
    tree_ratio = f"{b_tree / v_tree:>8.2f}" if v_tree else f"{'-':>8}"
    out(f"  {'peak RSS, process tree':26}{v_tree:>12.1f}{b_tree:>12.1f}{tree_ratio}")
    for n in ("vanilla", "breakout"):
        # A child's ru_maxrss starts from its parent's RSS at fork (Linux keeps the pre-exec
        # high-water mark), so a tool's own peak is only known when it is the higher one.
        if fig[f"{n}_sub_rss_kib"] > fig[f"{n}_self_rss_kib"]:
            out(
                f"  note: {n}'s peak RSS is a subprocess's; Python's own peak was "
                f"{mib(fig[f'{n}_self_rss_kib']):.1f} MiB"
            )
    v_f, b_f = fig["vanilla_files"], fig["breakout_files"]
    out(f"  {'output files':26}{v_f:>12.0f}{b_f:>12.0f}{b_f / v_f:>8.2f}")
    v_mb, b_mb = fig["vanilla_bytes"] / 1e6, fig["breakout_bytes"] / 1e6
    out(f"  {'output MB':26}{v_mb:>12.2f}{b_mb:>12.2f}{ratios['bytes']:>8.2f}")
    for label, key in (("  of which HTML", "html_bytes"), ("  of which feeds (XML)", "feed_bytes")):
        v, b = fig[f"vanilla_{key}"] / 1e6, fig[f"breakout_{key}"] / 1e6
        ratio = f"{b / v:>8.2f}" if v else f"{'-':>8}"
        out(f"  {label:26}{v:>12.2f}{b:>12.2f}{ratio}")


def print_search_alone(fig: dict[str, float], out: Print = say) -> None:
    """What the search index costs by itself, against vanilla's whole cold build."""
    alone, vanilla = fig["search_alone_cpu"], fig["vanilla_cold_cpu"]
    rest = fig["breakout_cold_cpu"] - alone
    out(
        f"search index alone (the cold build's pages indexed again apart): "
        f"{alone:.2f} s CPU ({fig['search_alone_pagefind_cpu']:.2f} s of it Pagefind), "
        f"{fig['search_alone_wall']:.2f} s wall; = {alone / vanilla:.3f} of vanilla's cold CPU"
    )
    out(
        f"  Breakout's cold CPU less the index alone: {rest:.2f} s = {rest / vanilla:.3f} "
        "of vanilla's (an estimate: the two ran apart)"
    )
    if "vanilla_search_cpu" not in fig:
        return
    plain_cpu, plain_wall = fig["vanilla_search_cpu"], fig["vanilla_search_wall"]
    with_cpu, with_wall = vanilla + plain_cpu, fig["vanilla_cold"] + plain_wall
    out(
        f"vanilla with search (one Pagefind run over its {fig['vanilla_search_pages']:.0f} "
        f"write-up and page files after its cold build, as the pelican-search plugin adds it): "
        f"{plain_cpu:.2f} s CPU, {plain_wall:.2f} s wall"
    )
    out(
        f"  Breakout's cold build against vanilla's plus that: CPU "
        f"{fig['breakout_cold_cpu'] / with_cpu:.3f}, wall {fig['breakout_cold'] / with_wall:.3f}"
    )


def print_verdicts(
    fig: dict[str, float],
    ratios: dict[str, float],
    clock: str,
    changed: Sequence[int],
    out: Print = say,
) -> None:
    """The other clock's ratios, notes, the targets met or missed and the closing ratios line."""
    other = "" if clock == "cpu" else "_cpu"
    alt_cold = fig[f"breakout_cold{other}"] / fig[f"vanilla_cold{other}"]
    alt_warm = fig[f"breakout_warm{other}"] / fig[f"breakout_cold{other}"]
    alt_name = "wall" if clock == "cpu" else "cpu"
    out(f"{alt_name} ratios (reference): cold={alt_cold:.3f} warm_over_cold={alt_warm:.3f}")
    if changed:
        out(
            f"note: in repeat(s) {changed} the cache stamp changed between cold and warm even "
            f"after {RETRIES} retries (plugin code being edited?): warm there was a cold read"
        )
    if hasattr(os, "getloadavg"):
        out("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    tree_mb = fig["breakout_tree_rss_kib"] * 1024 / 1e6
    verdict = "ok" if tree_mb < TREE_RSS_TARGET_MB else "MISS"
    out(
        f"process tree: Breakout's peak RSS with every subprocess (sampled every "
        f"{SAMPLE_SECONDS * 1000:.0f} ms) {tree_mb:.0f} MB {verdict} (< {TREE_RSS_TARGET_MB} MB)"
    )
    rebuild = fig["breakout_warm"] / fig["breakout_cold"]
    verdict = "ok" if rebuild <= REBUILD_WALL_TARGET else "MISS"
    out(
        f"one-edit rebuild: Breakout's warm wall / its cold wall {fmt_ratio(rebuild)} "
        f"{verdict} (≤ {REBUILD_WALL_TARGET})"
    )
    if "breakout_unchanged" in fig:
        floor, edit = fig["breakout_unchanged"], fig["breakout_warm"]
        out(
            f"  a rebuild with nothing changed: {floor:.2f} s wall, "
            f"{fig['breakout_unchanged_cpu']:.2f} s CPU = {fmt_ratio(floor / fig['breakout_cold'])} "
            f"of the cold wall (the one-edit rebuild took {edit:.2f} s: {edit - floor:+.2f} s)"
        )
    if "breakout_kept" in fig:
        kept = fig["breakout_kept"] / fig["breakout_cold"]
        verdict = "ok" if kept <= REBUILD_WALL_TARGET else "MISS"
        out(
            f"one-edit rebuild as `invoke livereload` runs it (the site kept in memory): "
            f"{fig['breakout_kept']:.2f} s wall, {fig['breakout_kept_cpu']:.2f} s CPU = "
            f"{fmt_ratio(kept)} of the cold wall {verdict} (≤ {REBUILD_WALL_TARGET}; "
            f"{fig['breakout_kept_written']:.0f} of {fig['breakout_kept_edits']:.0f} edits "
            "written without reading the site again)"
        )
    out(
        "targets: "
        + ", ".join(
            f"{k} {fmt_ratio(v)} {'ok' if v <= TARGETS[k] else 'MISS'} (≤ {TARGETS[k]})"
            for k, v in ratios.items()
        )
    )
    out("ratios: " + " ".join(f"{k}={fmt_ratio(v)}" for k, v in ratios.items()))
