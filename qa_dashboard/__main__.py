import sys

from qa_dashboard.cli import main

sys.exit(main())
