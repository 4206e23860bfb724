"""Stage 3, brede welvaart: the indicator registry, indicator values, position scoring and the
expected-BLP model. Computes; its charts and text live in ``blp.rapport``.

May import ``blp.berekening``, ``blp.data`` and the shared basics.
"""
