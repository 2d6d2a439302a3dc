"""Reading a PyTorch checkpoint's tensors without torch, and without running its pickle.

A ``.pth`` file is pickled Python. Unpickled freely it can run any code; here only the names
a state dict of plain tensors needs are let through (an ordered dict, the tensor rebuild
function and the storage types), each replaced by a harmless stand-in, so a tampered file
fails to load instead of executing. The layout read is torch's legacy stream (torch < 1.6:
pickles followed by the raw storages), the one the weights package ships; a zip archive
(newer torch) is refused by name. Tensors keep their saved strides (weights converted from
TensorFlow are often stored transposed).
"""
from __future__ import annotations

import collections
import pickle
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
          "LongStorage": np.int64, "IntStorage": np.int32, "ByteStorage": np.uint8}
# The legacy stream starts with this number, pickled (torch.serialization.MAGIC_NUMBER).
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class WeightsError(ValueError):
    pass


@dataclass
class _Storage:
    dtype: type
    key: str
    count: int
    data: np.ndarray | None = None


@dataclass
class _Tensor:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> np.ndarray:
        flat = self.storage.data
        if flat is None:
            raise WeightsError(f"storage {self.storage.key} has no data")
        if not self.shape:
            return flat[self.offset].copy()
        need = self.offset + sum((n - 1) * s for n, s in zip(self.shape, self.stride)) + 1
        if need > len(flat) or min(self.stride) < 0:
            raise WeightsError(f"tensor of storage {self.storage.key} lies outside it")
        strides = tuple(s * flat.itemsize for s in self.stride)
        view = np.lib.stride_tricks.as_strided(flat[self.offset:], self.shape, strides)
        return np.ascontiguousarray(view)


def _rebuild(storage, offset, shape, stride, *_ignored):
    return _Tensor(storage, int(offset), tuple(shape), tuple(stride))


class _Restricted(pickle.Unpickler):
    def __init__(self, file: BinaryIO):
        super().__init__(file)
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild
        if module == "torch" and name in DTYPES:
            return name
        raise WeightsError(f"the checkpoint asks for {module}.{name}, which a state dict "
                           "of tensors never needs")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise WeightsError("unexpected persistent id in the checkpoint")
        _, kind, key, _location, count = pid[:5]
        if kind not in DTYPES:
            raise WeightsError(f"unsupported storage type {kind!r}")
        return self.storages.setdefault(str(key), _Storage(DTYPES[kind], str(key), int(count)))


def load_state_dict(path) -> dict[str, np.ndarray]:
    """The checkpoint's tensors by name, as numpy arrays."""
    with open(path, "rb") as handle:
        if zipfile.is_zipfile(handle):
            raise WeightsError("a zip checkpoint (torch >= 1.6) is not read here")
        handle.seek(0)
        return _from_legacy(handle)


def _from_legacy(handle: BinaryIO) -> dict[str, np.ndarray]:
    try:  # every pickle in the file, even the header's numbers, through the restriction
        if _Restricted(handle).load() != LEGACY_MAGIC:
            raise WeightsError("not a PyTorch checkpoint")
        for _ in range(2):  # the protocol version and the system info: plain data
            _Restricted(handle).load()
        unpickler = _Restricted(handle)
        state = unpickler.load()
        keys = _Restricted(handle).load()
    except (pickle.UnpicklingError, EOFError, ValueError, IndexError) as exc:
        if isinstance(exc, WeightsError):
            raise
        raise WeightsError(f"not a readable PyTorch checkpoint ({exc})") from None
    for key in keys:
        storage = unpickler.storages.get(str(key))
        if storage is None:
            raise WeightsError(f"storage {key} is listed but not used")
        count = int.from_bytes(handle.read(8), "little", signed=True)
        size = count * np.dtype(storage.dtype).itemsize
        raw = handle.read(size)
        if count != storage.count or len(raw) != size:
            raise WeightsError(f"storage {key} is truncated")
        storage.data = np.frombuffer(raw, storage.dtype)
    return _arrays(state)


def _arrays(state) -> dict[str, np.ndarray]:
    if not isinstance(state, dict):
        raise WeightsError("the checkpoint is not a state dict")
    out = {}
    for name, value in state.items():
        if not isinstance(value, _Tensor):
            raise WeightsError(f"{name} is not a tensor")
        out[str(name)] = value.array()
    return out
