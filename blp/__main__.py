import sys

from blp.cli import main

sys.exit(main())
