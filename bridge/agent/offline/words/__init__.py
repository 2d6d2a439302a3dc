"""The curated lexicon's tables (see ``offline.lexicon``), one module per language."""
from . import ar, de, es, fr, it, pt

TABLES = {"es": es.TABLE, "fr": fr.TABLE, "de": de.TABLE, "pt": pt.TABLE, "it": it.TABLE,
          "ar": ar.TABLE}
