"""The file-format pieces, without converting the whole model."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from tokenizers import normalizers

from assistant.embeddings.charsmap import build_precompiled_charsmap, lookup
from assistant.embeddings.convert import source_path, tensor_shapes
from assistant.embeddings.e5file import E5FileError, dequantize_q4_0, read_e5_file


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block built by hand: fp16 scale, then byte j = nibble j | nibble j+16 << 4."""
    assert len(nibbles) == 32
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_q4_0_dequantises_a_hand_built_block():
    nibbles = list(range(16)) + list(range(15, -1, -1))
    raw = _q4_block(0.5, nibbles)
    values = dequantize_q4_0(raw, 32)
    expected = np.array([(q - 8) * 0.5 for q in nibbles], dtype=np.float32)
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, expected)


def test_q4_0_low_nibble_is_weight_j_high_nibble_weight_j_plus_16():
    # Byte 0 = 0xF1: low nibble 1 -> weight 0 = (1-8)*d, high nibble 15 -> weight 16 = (15-8)*d.
    raw = np.float16(2.0).tobytes() + bytes([0xF1] + [0x88] * 15)
    values = dequantize_q4_0(raw, 32)
    assert values[0] == -14.0 and values[16] == 14.0
    assert np.all(values[1:16] == 0) and np.all(values[17:] == 0)


def test_q4_0_several_blocks_keep_their_own_scale():
    raw = _q4_block(1.0, [9] * 32) + _q4_block(-0.25, [0] * 32)
    values = dequantize_q4_0(raw, 64)
    np.testing.assert_array_equal(values[:32], np.ones(32, dtype=np.float32))
    np.testing.assert_array_equal(values[32:], np.full(32, 2.0, dtype=np.float32))


def test_q4_0_rejects_partial_blocks():
    with pytest.raises(E5FileError):
        dequantize_q4_0(b"\0" * 18, 31)


def test_charsmap_matches_tokenizers_precompiled_normaliser():
    mapping = {0xFF21: (0x41,), 0x3000: (0x20,), 0x2026: (0x2E, 0x2E, 0x2E), 0x7: (), 0x1D400: (0x41,)}
    charsmap = build_precompiled_charsmap(mapping)
    normaliser = normalizers.Precompiled(charsmap)
    for code_point, replacement in mapping.items():
        expected = "".join(map(chr, replacement))
        assert lookup(charsmap, chr(code_point).encode()) == expected.encode()
        assert normaliser.normalize_str(chr(code_point)) == expected
    assert normaliser.normalize_str("Ａ\u3000高龄…\x07津贴") == "A 高龄...津贴"
    assert lookup(charsmap, "高".encode()) is None


def test_real_file_header_and_tensor_directory():
    e5 = read_e5_file(source_path())
    c = e5.config
    assert (c.hidden, c.layers, c.heads, c.intermediate, c.vocab, c.max_positions, c.type_vocab) == (
        384, 12, 12, 1536, 250037, 512, 2)
    assert len(e5.pieces) == 250002 and len(e5.normalisation) == 4837
    assert [e5.pieces[i] for i in (0, 1, 2, 3, 250001)] == ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    assert (e5.bos_id, e5.pad_id, e5.eos_id, e5.unk_id) == (0, 1, 2, 3)
    assert len(e5.tensors) == 197 and set(e5.tensors) == set(tensor_shapes(e5))
    # Every tensor's element count matches the shape the converter gives it.
    for name, (_, shape) in tensor_shapes(e5).items():
        assert e5.tensors[name].n_elements == int(np.prod(shape)), name
    # The full normalisation map survives the charsmap round trip.
    normaliser = normalizers.Precompiled(build_precompiled_charsmap(e5.normalisation))
    for code_point, replacement in e5.normalisation.items():
        assert normaliser.normalize_str(chr(code_point)) == "".join(map(chr, replacement)), hex(code_point)


def test_bad_magic_is_rejected(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 1) + b"\0" * 64)
    with pytest.raises(E5FileError):
        read_e5_file(bad)
