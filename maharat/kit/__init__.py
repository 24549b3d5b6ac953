"""What every domain builds with: the generic registers (list, detail, form, export) over the permission layer
and the write path. It sits above access and audit and below the records apps (docs/architecture.md)."""
