"""Pages of purchase contracts: contracts (list, form, page, transitions, runs), invoices (page, transitions,
PDF), employment evidence and the dashboard. Every read goes through the permission layer, every write
through the services."""
