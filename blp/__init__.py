"""blp: compute the Bruto Lokaal Product (BLP) of Dutch gemeenten, openly and reproducibly."""

from blp._imports import defer_rfc3987_syntax

__version__ = "0.1.0"

defer_rfc3987_syntax()
