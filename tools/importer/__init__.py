"""`invoke import`: bring a WordPress (WXR 1.0–1.2) or Blogger export into content/.

One module per job: detect (which format, safe streaming parse), wxr and blogger (records
out of each format), convert (HTML to Markdown), mojibake (repairs), document (records to
Breakout files), write (staging, ledger, moving into place), report, run (the pipeline).
"""
