"""`invoke import`: bring a WordPress (WXR 1.0–1.2) or Blogger export into content/.

One module per job: detect (which format; the one safe, streaming way to parse), wxr and
blogger (records out of each format, with xmltext's helpers), shortcodes and convert
(HTML to safe Markdown), mojibake (repairs), document (records to Breakout files), write
(staging, the ledger, moving into place), report, run (the pipeline), cli (settings in,
report out, exit status). See docs/ARCHITECTURE.md.
"""
