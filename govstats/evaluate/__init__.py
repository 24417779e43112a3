"""The evaluation layer: the metrics dictionary over parsed cells (`metrics`) and its year-over-year
change (`yoy`).  The public functions are `govstats.metrics` and `govstats.yoy`."""
