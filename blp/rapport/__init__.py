"""Presenting: what a reader sees. The report sections (``paginas``, one module per notebook), their
text, number formats, tables and charts, the HTML export and the overview page of all gemeenten,
plus the context a notebook works with (every stage computed for one gemeente).

May import every stage below it; never ``blp.uitvoering`` or ``blp.cli``.
"""
