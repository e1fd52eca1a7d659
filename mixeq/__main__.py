import sys

from mixeq.cli.main import main

sys.exit(main())
