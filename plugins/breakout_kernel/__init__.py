"""breakout_kernel: the library every Breakout plugin builds on (not a Pelican plugin: no register).

The build's lifecycle and its one per-build state object (`build`), "log all, fail once"
errors (`errors`), settings validation (`settings`), the people and events data files
(`data`), strict UTF-8 reading of content files and the Markdown file names (`source`),
the write-up HTML allow-list and the script finder used by `invoke check` (`htmlsafety`),
writing helpers (`writing`), the collector thresholds during a build
(`collector`), the one identity service (`identity`, its rules in `handles`) and the one
change-detection kernel (`change`: hashing, stamps, the fingerprint manifest). Every
plugin's register() calls `build.attach()` first, so error collection starts for every
build whatever PLUGINS lists.
"""
