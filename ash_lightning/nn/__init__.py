"""Network pieces: attention blocks (one per file, ``channels`` first), trunks, hash heads."""
