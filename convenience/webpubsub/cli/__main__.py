"""``python -m webpubsub.cli``: the same as the ``webpubsub`` script."""

import sys

from webpubsub.cli._main import main

sys.exit(main())
