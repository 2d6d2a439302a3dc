"""The bridge with a big generated index, for bench/gateway.py to serve with gunicorn.

The bench harness (not the service) names the index file in FAHAD_BENCH_INDEX.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import replace  # noqa: E402

from bridge import create_app  # noqa: E402
from bridge.catalog.index import CatalogIndex  # noqa: E402
from bridge.core import build_core  # noqa: E402
from bridge.settings import load_settings  # noqa: E402

core = build_core(load_settings())
app = create_app(core=replace(core, index=CatalogIndex(Path(os.environ["FAHAD_BENCH_INDEX"]))))
