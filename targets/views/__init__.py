"""The dashboard's read pages: overview, targets, tasks and units, each from the stored standings."""
