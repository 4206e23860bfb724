"""Brede welvaart: the indicator registry, indicator values, position scoring, expected vs measured."""
