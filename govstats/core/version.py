"""The version of govstats (read by the build from this file, and by the cache key at call time)."""
__version__ = "0.2.0"
