"""Running: the notebooks executed for one gemeente or a batch, in kept kernels (engine), with
requests, fingerprints, worker processes and the manifest of every run.

May import every other package of ``blp`` except ``blp.cli``.
"""
