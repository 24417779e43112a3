"""The public schema as data: every file beside this module, loaded and validated here.

- `rows.csv`, `columns.csv`, `identities.csv`, `sections.csv`, `markers.csv`: the tables
  (`load_schema`);
- `metrics.csv`: the metrics dictionary (`load_metrics`);
- `narrative.csv`: numbers that section 一 states in words (`load_statements`);
- `soft_checks.csv`: what one year's tables say the next year's must print (`load_soft_checks`);
- `texts.csv`: chart and page texts in Chinese and English (`text`, `texts`), the level names;
- `frames.csv`: the catalogue of output tables — every column of every frame govstats hands
  out (`catalogue.columns`, `catalogue.conform`, `catalogue.arrow_schema`);
- `levels.csv`: the rules that derive an agency's administrative level from its name
  (`agency_level`, `load_level_rules`).

Each loader validates what it reads against the tables (a derived row's parts, an identity's
operands, a metric's cells must exist) and raises `SchemaError` naming the file and line.  Code
asks this package; it never re-types a label.
"""
from __future__ import annotations

from ..core.errors import SchemaError
from ..core.model import TABLES
from . import catalogue
from .files import HERE, VERSIONS, fingerprint
from .levels import LevelRule, agency_level, level_key, level_label, levels, load_level_rules
from .metrics import CHAINS, METRIC_UNITS, CellRef, Metric, load_metrics, metric_keys, metric_label, parse_refs
from .narrative import NUMBER, Statement, load_statements
from .soft import SoftCheck, load_soft_checks
from .tables import Entry, Identity, Marker, Schema, Section, load_schema
from .texts import LANGS, check_lang, load_texts, text, texts

__all__ = ["CHAINS", "HERE", "LANGS", "NUMBER", "TABLES", "METRIC_UNITS", "VERSIONS", "CellRef", "Entry", "Identity",
           "LevelRule", "Marker", "Metric", "Schema", "SchemaError", "Section", "SoftCheck", "Statement", "agency_level",
           "catalogue", "check_lang", "fingerprint", "level_key", "level_label", "levels", "load_level_rules", "load_metrics",
           "load_schema", "load_soft_checks", "load_statements", "load_texts", "metric_keys", "metric_label", "parse_refs", "text",
           "texts"]
