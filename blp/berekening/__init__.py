"""Stage 2, BLP-berekening: concordance of industry codes, boundary conversion, allocation keys,
the allocation itself, derived figures, peers, sensitivity and the quality checks.

May import ``blp.data`` and the shared basics only.
"""
