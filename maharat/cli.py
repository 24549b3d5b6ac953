"""The `maharat` console command: every Django management command under one name.

`maharat demo`, `maharat migrate`, `maharat runserver` ... behave like `manage.py <command>`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
