"""Reads of the county set-up, one module per entity family (calendar, departments, routing, routing_rules) and
the operators' figures (operations); import the function from its module. The features' reads are in their
packages (requests/selectors/, catalogue/, …)."""
