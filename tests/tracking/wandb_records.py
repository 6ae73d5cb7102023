"""Read an offline W&B run file (``run-<id>.wandb``) back, as ``wandb sync`` would.

The file is a LevelDB-style log: a 7-byte header (``:W&B``, magic ``0xBEE1``, version 0),
then 32 KiB blocks of chunks, each with a 7-byte header (CRC-32, length, type: 1 full,
2 first, 3 middle, 4 last); a block tail shorter than a header is padding. Each assembled
record is a serialized ``wandb_internal_pb2.Record``.
"""

import struct
import zlib
from pathlib import Path

from wandb.proto import wandb_internal_pb2

HEADER = b":W&B" + struct.pack("<HB", 0xBEE1, 0)
BLOCK = 32 * 1024
CHUNK_HEADER = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


def read_records(path: Path) -> list[wandb_internal_pb2.Record]:
    """Every record of the run file, checked against its chunk checksums."""
    data = path.read_bytes()
    assert data.startswith(HEADER), f"{path} is not a W&B run file"
    records, pending, offset = [], b"", len(HEADER)
    while offset + CHUNK_HEADER <= len(data):
        left_in_block = BLOCK - offset % BLOCK
        if left_in_block < CHUNK_HEADER:
            offset += left_in_block
            continue
        checksum, length, kind = struct.unpack("<IHB", data[offset : offset + CHUNK_HEADER])
        if length == 0 and kind == 0:
            break
        payload = data[offset + CHUNK_HEADER : offset + CHUNK_HEADER + length]
        assert zlib.crc32(bytes([kind]) + payload) & 0xFFFFFFFF == checksum, "bad checksum"
        offset += CHUNK_HEADER + length
        pending = payload if kind in (FULL, FIRST) else pending + payload
        if kind in (FULL, LAST):
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            records.append(record)
    return records
