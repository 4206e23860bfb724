"""blp: compute the Bruto Lokaal Product (BLP) of Dutch gemeenten, openly and reproducibly."""

__version__ = "0.1.0"
