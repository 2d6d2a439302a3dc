"""The bridge with a big generated index, for bench/gateway.py to serve with gunicorn.

The bench harness (not the service) names the index file in FAHAD_BENCH_INDEX.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bridge import create_app  # noqa: E402
from bridge.catalog.index import CatalogIndex  # noqa: E402

app = create_app()
app.extensions["fahad"].index = CatalogIndex(Path(os.environ["FAHAD_BENCH_INDEX"]))
