"""The lowest layer: what every other layer may use — errors, the record types, input limits,
safe file writes, progress bars, the layer map and its "code changed" fingerprint, the version.
Nothing here imports another govstats layer."""
