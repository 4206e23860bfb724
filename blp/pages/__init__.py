"""Report sections, one module per notebook: each function shows one part of a report."""
