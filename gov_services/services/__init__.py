"""Writes of the county set-up, one module per entity family (calendar, departments, routing); import the
function from its module. The features' writes are in their packages (requests/services/, catalogue/, …)."""
