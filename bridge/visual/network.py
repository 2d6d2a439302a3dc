"""EfficientNet-Lite as an ONNX graph, built from a checkpoint's tensors (weights.py).

EfficientNet-Lite (Tan & Le; TensorFlow's mobile variant) is MBConv blocks without
squeeze-excitation, ReLU6 throughout, a fixed 32-channel stem and 1280-channel head and
TensorFlow's "same" padding (the extra pixel after, as ONNX's SAME_UPPER). The blocks are
read off the tensors (kernel size and channels from their shapes); only the stride of each
stage's first block is architecture, not data. Batch norms are folded into the convolution
before them. The graph's outputs are the ImageNet logits, the globally pooled 1280 features
the ranker compares, and the map they are pooled from (to pool parts of the picture).
"""
from __future__ import annotations

import re

import numpy as np

# Stride of the first block of each stage (B0's seven stages, which every Lite keeps).
STAGE_STRIDES = (1, 2, 2, 2, 1, 2, 1)
BN_EPS = 1e-3
# Inputs: RGB scaled as the Lite models were trained, (pixel - 127) / 128.
MEAN, STD = 127.0, 128.0
OPSET = 17


def blocks(state: dict[str, np.ndarray]) -> list[dict]:
    """Each MBConv block's shape: kernel, stride, channels in and out, expanded or not."""
    count = 1 + max(int(m.group(1)) for k in state
                    if (m := re.match(r"_blocks\.(\d+)\.", k)))
    out, stage, previous = [], -1, None
    for i in range(count):
        p = f"_blocks.{i}."
        project = state[p + "_project_conv.weight"]
        depthwise = state[p + "_depthwise_conv.weight"]
        channels_in = (state[p + "_expand_conv.weight"].shape[1] if p + "_expand_conv.weight"
                       in state else depthwise.shape[0])
        channels_out = project.shape[0]
        first = channels_out != previous
        if first:
            stage += 1
        previous = channels_out
        out.append({"prefix": p, "kernel": depthwise.shape[-1], "in": channels_in,
                    "out": channels_out, "expand": p + "_expand_conv.weight" in state,
                    "stride": STAGE_STRIDES[stage] if first else 1})
    if stage != len(STAGE_STRIDES) - 1:
        raise ValueError(f"expected {len(STAGE_STRIDES)} stages, found {stage + 1}")
    return out


def _folded(state, conv: str, bn: str) -> tuple[np.ndarray, np.ndarray]:
    weight = state[conv].astype(np.float32)
    scale = state[bn + ".weight"] / np.sqrt(state[bn + ".running_var"] + BN_EPS)
    bias = state[bn + ".bias"] - state[bn + ".running_mean"] * scale
    return (weight * scale[:, None, None, None]).astype(np.float32), bias.astype(np.float32)


def build(state: dict[str, np.ndarray], side: int) -> bytes:
    """The serialized ONNX model: input ``image`` (N, 3, side, side) float32, already
    normalised; outputs ``features`` (N, 1280), ``logits`` (N, 1000) and ``map``, the head's
    (N, 1280, side / 32, side / 32) activations before pooling (regions of the picture)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    counter = iter(range(10_000))

    def const(array: np.ndarray) -> str:
        name = f"w{next(counter)}"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def conv(x: str, conv_key: str, bn_key: str, stride: int = 1, group: int = 1,
             relu: bool = True) -> str:
        weight, bias = _folded(state, conv_key, bn_key)
        y = f"t{next(counter)}"
        nodes.append(helper.make_node(
            "Conv", [x, const(weight), const(bias)], [y], auto_pad="SAME_UPPER",
            strides=[stride, stride], group=group, kernel_shape=list(weight.shape[2:])))
        if not relu:
            return y
        z = f"t{next(counter)}"
        nodes.append(helper.make_node("Clip", [y, const(np.float32(0)), const(np.float32(6))],
                                      [z]))
        return z

    x = conv("image", "_conv_stem.weight", "_bn0", stride=2)
    for block in blocks(state):
        p, start = block["prefix"], x
        if block["expand"]:
            x = conv(x, p + "_expand_conv.weight", p + "_bn0")
        width = state[p + "_depthwise_conv.weight"].shape[0]
        x = conv(x, p + "_depthwise_conv.weight", p + "_bn1", block["stride"], group=width)
        x = conv(x, p + "_project_conv.weight", p + "_bn2", relu=False)
        if block["stride"] == 1 and block["in"] == block["out"]:
            y = f"t{next(counter)}"
            nodes.append(helper.make_node("Add", [x, start], [y]))
            x = y
    nodes.append(helper.make_node("Identity", [x], ["blocks"]))
    nodes.append(helper.make_node("Identity", [conv(x, "_conv_head.weight", "_bn1")],
                                  ["map"]))
    pooled = f"t{next(counter)}"
    nodes.append(helper.make_node("GlobalAveragePool", ["map"], [pooled]))
    nodes.append(helper.make_node("Flatten", [pooled], ["features"]))
    nodes.append(helper.make_node(
        "Gemm", ["features", const(state["_fc.weight"].astype(np.float32)),
                 const(state["_fc.bias"].astype(np.float32))], ["logits"], transB=1))
    graph = helper.make_graph(
        nodes, "efficientnet_lite",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", 3, side, side])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", 1280]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", 1000]),
         helper.make_tensor_value_info("map", TensorProto.FLOAT, ["n", 1280, "h", "w"]),
         helper.make_tensor_value_info("blocks", TensorProto.FLOAT, ["n", 320, "h", "w"])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="fahad-ai-bridge")
    model.ir_version = 8  # read by every onnxruntime since 1.10
    return model.SerializeToString()
