"""Every state change in sense-making. Views, the demo, management commands and tests all call these.

Grouped by subject: ``sources`` (uploads, speakers, consent, notes, corrections), ``withdrawal``,
``coding`` (codebook, codings, memos), ``themes`` (themes, quotes, de-identification, sign-off),
``assist`` (suggestions, theme discovery) and ``exchange`` (REFI-QDA, CSV and Excel).
"""
