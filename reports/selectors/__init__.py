"""Reads for the reports, one module per subject; import the function from its module.

reports writes nothing to the domain apps: every figure is an aggregate over their tables, narrowed
by `reports.selectors.scope.ReportScope`.
"""
