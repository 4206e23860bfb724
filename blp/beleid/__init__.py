"""Beleidsvertaling: input-output tables, multipliers (FLQ, economic base, LM3), scenarios, levers."""
