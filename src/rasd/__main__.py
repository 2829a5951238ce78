"""``python -m rasd`` is the ``rasd`` command."""
from .cli import main

raise SystemExit(main())
