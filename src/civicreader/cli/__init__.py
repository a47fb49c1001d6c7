"""The command line: everything a script needs, with --json where a script would want it.

Heavy modules (textual, whoosh, lxml) are imported inside the commands that use them, so
`civicreader parse --json` never loads the UI and start-up stays quick. Each command module
registers its commands on the group when imported here.
"""

from civicreader.cli import (  # noqa: F401  (imported to register their commands)
    export_command,
    index_command,
    notes_command,
    parse_where,
    people_command,
    reading,
    timeline_concordance,
)
from civicreader.cli.group import main
from civicreader.cli.output import dump_json, indented_json

__all__ = ["dump_json", "indented_json", "main"]
