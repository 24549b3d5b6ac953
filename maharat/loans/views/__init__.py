"""The loans' pages: programmes, loans (list, application, a loan's page and its steps), the overdue list and the
figures. Thin: every read through the permission layer (selectors), every write through the services."""
