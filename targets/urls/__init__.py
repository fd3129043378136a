"""URLs of the dashboard's read pages, one module per namespace (targets, tasks, units)."""
