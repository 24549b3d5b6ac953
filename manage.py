#!/usr/bin/env python
"""Kept for tools that expect manage.py; the documented entry point is the `maharat` command."""

from maharat.cli import main

if __name__ == "__main__":
    main()
