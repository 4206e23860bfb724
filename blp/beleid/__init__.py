"""Stage 4, beleidsvertaling: input-output tables, multipliers (FLQ, economic base, LM3),
scenarios and levers. Computes; its charts and text live in ``blp.rapport``.

May import ``blp.welvaart``, ``blp.berekening``, ``blp.data`` and the shared basics.
"""
