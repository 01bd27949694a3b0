"""Reading the page: Markdown and HTML parsed with positions, the subprocessor tables and their
columns, and the effective date."""
