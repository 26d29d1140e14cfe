"""The change-detection kernel: stable hashing, stamps and the fingerprint manifest.

`hashing`: `stable()`/`digest()` (one hasher for everything), `file_state()` and
`strict_file_state()`.
`stamp`: `Stamp`, what a cached result depends on besides its own input (settings, data
files, code, theme, library versions), and the build's global stamp.
`manifest`: the fingerprint manifest, (fingerprint, size, mtime) of every output file a
plugin wrote, so a warm build leaves unchanged files alone.
Content (the reader cache), comments (the rendered-comment cache), feeds and page memos
(breakout_memo, the index pages) all use these.
"""
