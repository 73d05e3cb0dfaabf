"""One module per report section; each exposes ``SECTION``, a :class:`validation.report.Section`."""
