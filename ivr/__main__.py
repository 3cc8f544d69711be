"""``python -m ivr`` runs the same CLI as the ``ivr`` console script."""

from ivr.cli.main import main

raise SystemExit(main())
