"""breakout_kernel: the library every Breakout plugin builds on (not a Pelican plugin: no register).

Settings validation (`settings`), "log all, fail once" errors (`errors`), the people and
events data files (`data`), writing helpers (`writing`), the build's lifecycle and its
one per-build state object (`build`), the collector thresholds during a build
(`collector`). Every plugin's register() calls `build.attach()` first, so error
collection starts for every build whatever PLUGINS lists.
"""
