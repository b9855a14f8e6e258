"""`python -m qa_dashboard`: the command line for scheduled loads and checks (DATA_CONTRACT section 6)."""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from pathlib import Path

from qa_dashboard import ingest as ingest_module
from qa_dashboard import plain_text, store
from qa_dashboard.ingest.problems import errors, warnings


def _ingest(args) -> int:
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        for name in missing:
            print(f"{name}::: error: no such file", file=sys.stderr)
        return 1
    try:
        as_at, cover_from = _extract_date(args.as_at, "--as-at"), _extract_date(args.cover_from, "--from")
    except ValueError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    db = store.db_path(args.db)
    result = ingest_module.ingest(args.files, db, user=args.user or ingest_module.default_user(), dry_run=args.dry_run,
                                  as_at=as_at, cover_from=cover_from)
    if args.json:
        if not result.ok:
            print(json.dumps([p.as_dict() for p in result.problems], indent=2, default=str))
        else:
            print(json.dumps([_file_summary(f) for f in result.files], indent=2, default=str))
        return 0 if result.ok else 1
    stream = sys.stderr if not result.ok else sys.stdout
    for check in result.files:
        listed = errors(check.problems) + warnings(check.problems)
        if listed:
            print(f"{check.file_name}:", file=stream)
        for problem in listed:
            print(problem.line(), file=stream)
    if not result.ok:
        count = len(errors(result.problems))
        print(f"Rejected: {count} error{'s' if count != 1 else ''}. Nothing was written to {db}.", file=sys.stderr)
        return 1
    for check in result.files:
        print(_describe(check, args.dry_run))
        if check.annex is not None:
            print(_describe_annex(check.annex))
    return 0


def _describe_annex(reduction) -> str:
    """Per list: rows read, months covered, teams, the indicators written (counts only)."""
    lines = [f"  Annex A, extract of {reduction.as_at:%d/%m/%Y}:"]
    for s in reduction.lists:
        span = f", {s.first_month:%b %Y} to {s.last_month:%b %Y}" if s.first_month else ""
        written = ", ".join(s.indicators) or "no indicators"
        lines.append(f"    {s.label} ({s.title}): {s.rows_read} rows read{span}, {s.teams} teams, "
                     f"{s.warnings} warnings: {written}")
    return "\n".join(lines)


def _extract_date(text: str | None, option: str):
    """The date an option gives, read here rather than by argparse, so a date that is not one
    (`2020-02-30`, an empty one) is a sentence and exit 1, like any other refusal."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(f"{option} {shown!r} is not a date written YYYY-MM-DD (for example 2021-03-15); "
                         "nothing was loaded.") from None


def _file_summary(check) -> dict:
    return {
        "file": check.file_name, "sha256": check.sha256, "upload_id": check.upload_id,
        "nothing_new": check.nothing_new,
        "datasets": {name: {"sheets": s.sheets, "rows_read": s.rows_read, "rows_added": s.rows_added,
                            "rows_superseded": s.rows_superseded, "first_period": s.first_period,
                            "last_period": s.last_period, "teams": s.teams}
                     for name, s in check.datasets.items()},
        "warnings": [p.as_dict() for p in warnings(check.problems)],
    }


def _describe(check, dry_run: bool) -> str:
    if check.nothing_new and not any(s.rows_read for s in check.datasets.values()):
        return f"{check.file_name}: the sheets hold no rows of figures yet; nothing to load."
    if check.nothing_new:
        return f"{check.file_name}: nothing new — every row is already loaded exactly so; nothing changed."
    verb = "Would load" if dry_run else f"Loaded as load #{check.upload_id}"
    parts = []
    for name, s in check.datasets.items():
        span = f", {s.first_period:%b %Y} to {s.last_period:%b %Y}" if s.first_period else ""
        parts.append(f"  {name}: {s.rows_read} rows read, {s.rows_added} added, {s.rows_superseded} superseding earlier rows{span}")
    return f"{check.file_name}: {verb}\n" + "\n".join(parts)


def _undo(args) -> int:
    db = store.db_path(args.db)
    undone = ingest_module.undo(db)
    if undone is None:
        print("Nothing to undo: no load is in force.", file=sys.stderr)
        return 1
    print(f"Undid load #{undone['upload_id']} ({undone['file_name']}, loaded {undone['loaded_at']}): "
          f"removed {undone['rows_added']} rows and restored {undone['rows_superseded']} it had superseded.")
    return 0


def _template(args) -> int:
    from qa_dashboard.template import write_template

    path = write_template(Path(args.out))
    print(f"Wrote the blank upload workbook to {path}")
    return 0


def _demo(args) -> int:
    from qa_dashboard.demo import DemoRefused, build_demo_database

    db = store.db_path(args.db)
    try:
        result = build_demo_database(db, force=args.force)
    except DemoRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    if result is None:
        print(f"The demo database at {db} is already built; nothing changed.")
        return 0
    if not result.ok:
        for problem in errors(result.problems):
            print(problem.line(), file=sys.stderr)
        return 1
    print(f"Built the demo database at {db} from {len(result.files)} demo extracts.")
    return 0


def _hash_password(args) -> int:
    """Ask for the uploader password twice (or read one line from stdin) and print its hash."""
    import getpass

    from qa_dashboard import auth

    if args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Uploader password: ")
        if getpass.getpass("The same again: ") != password:
            print("error: the two passwords differ; nothing was made.", file=sys.stderr)
            return 1
    if len(password) < auth.MIN_PASSWORD_LENGTH:
        print(f"error: use at least {auth.MIN_PASSWORD_LENGTH} characters (a few words make a good one).", file=sys.stderr)
        return 1
    hashed = auth.hash_password(password)
    print(hashed)
    print(f"\nPut it in .streamlit/secrets.toml as\n  {auth.PASSWORD_HASH_SECRET} = \"{hashed}\"\n"
          f"or in the environment variable {auth.PASSWORD_HASH_ENV}. Keep the password itself elsewhere.",
          file=sys.stderr)
    return 0


def _authority(args) -> int:
    from qa_dashboard import benchmarks

    db = store.db_path(args.db)
    try:
        chosen = benchmarks.set_authority(db, args.name_or_code)
    except benchmarks.AuthorityNotFound as not_found:
        print(f"error: {not_found}", file=sys.stderr)
        return 1
    with store.read_connection(db) as con:
        neighbours = benchmarks.neighbours_of(con, chosen)
    region = f", {chosen.region_name}" if chosen.region_name else ""
    print(f"The dashboard now belongs to {chosen.describe()}{region}. Benchmarks follow from it.")
    if neighbours:
        print(f"Its {len(neighbours)} statistical neighbours (DfE's model): " + "; ".join(name for _, name, _ in neighbours))
    else:
        print("DfE's statistical-neighbour model is not loaded yet, so there is no neighbour average: "
              "load sn_model_2025_wide.csv with `python -m qa_dashboard ingest`.")
    return 0


def _pack(args) -> int:
    from qa_dashboard import pack

    db = store.db_path(args.db)
    if not store.exists(db):
        print(f"error: there is no database at {db}; load extracts first (ingest) or build the demo.", file=sys.stderr)
        return 1
    try:
        written = pack.make_pack(db, args.out, period=args.period, service=args.service, team=args.team,
                                 sections=args.sections, publish=args.publish, since=pack.since_from(args.since))
    except pack.PackError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(f"Wrote the board pack to {pack.output.shown(written.path)}: {', '.join(written.sections)}; {written.charts} charts.")
    return 0


def _rebase(args) -> int:
    from qa_dashboard import rebases

    db = store.db_path(args.db)
    try:
        written = rebases.write(db, args.indicator, args.month, args.reason, team=args.team, remove=args.remove,
                                author=ingest_module.default_user())
    except rebases.RebaseRefused as refused:
        print(f"error: {refused} Nothing was written.", file=sys.stderr)
        return 1
    print(written.describe())
    return 0


def _backup(args) -> int:
    from qa_dashboard.store import backup

    keep = None
    if args.keep is not None:
        try:
            keep = int(args.keep)
        except ValueError:
            print(f"error: --keep takes a whole number of backups to keep, like 14 (it was {args.keep!r}); "
                  "nothing was changed.", file=sys.stderr)
            return 1
    db = store.db_path(args.db)
    try:
        made = backup.back_up(db, args.dir, keep=keep)
    except (backup.Refused, store.DatabaseMissing) as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    rows = sum(made.rows.values())
    print(f"Backed up {db} to {made.path} ({len(made.rows)} tables, {rows:,} rows, read back and matched).")
    for old in made.removed:
        print(f"Removed the oldest backup beyond {keep}: {old}")
    return 0


def _restore(args) -> int:
    from qa_dashboard.store import backup

    db = store.db_path(args.db)
    if not args.yes and not sys.stdin.isatty():
        print(f"error: restore asks before it replaces {db}, and there is no terminal to ask at; "
              "run it with --yes to restore without asking. Nothing was changed.", file=sys.stderr)
        return 1
    try:
        kept = backup.restore(args.file, db, confirm=lambda file, _db: args.yes or _asked_yes(file, _db))
    except backup.Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    kept_words = f"; the database it replaced is kept as {kept}" if kept else ""
    print(f"Restored {Path(args.file).expanduser().resolve()} to {db}{kept_words}.")
    return 0


def _asked_yes(file: Path, db: Path) -> bool:
    try:
        answer = input(f"Restore {file} over {db}? The current database is kept as a backup first. [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def parser() -> argparse.ArgumentParser:
    installed = Path(sys.argv[0]).name == "qa-dashboard"  # the command `make venv` installs
    main = argparse.ArgumentParser(prog="qa-dashboard" if installed else "python -m qa_dashboard", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)
    db_help = f"database file (default: ${store.ENV_VAR}, else data/qa.duckdb)"

    ingest = commands.add_parser("ingest", help="validate and load extract files")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--db", help=db_help)
    ingest.add_argument("--user", help="who is loading (default: the login name)")
    ingest.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    ingest.add_argument("--json", action="store_true", help="print results or problems as JSON")
    ingest.add_argument("--as-at", metavar="YYYY-MM-DD",
                        help="the extract date of an Ofsted Annex A workbook (required for one)")
    ingest.add_argument("--from", dest="cover_from", metavar="YYYY-MM-DD",
                        help="the first day an Annex A workbook's lists cover: counts and rates are written for "
                             "every whole month from it to the extract date (default: inferred from the lists)")
    ingest.set_defaults(run=_ingest)

    undo = commands.add_parser("undo", help="undo the latest load")
    undo.add_argument("--db", help=db_help)
    undo.set_defaults(run=_undo)

    template = commands.add_parser("template", help="write the blank upload workbook")
    template.add_argument("out", metavar="OUT.xlsx")
    template.set_defaults(run=_template)

    demo = commands.add_parser("demo", help="build the demo database from the bundled demo extracts")
    demo.add_argument("--db", help=db_help)
    demo.add_argument("--force", action="store_true",
                      help="add the demo even to a database that holds real loads (and label it all as demo)")
    demo.set_defaults(run=_demo)

    hash_password = commands.add_parser(
        "hash-password", help="make the uploader password's hash for the secrets file or environment")
    hash_password.add_argument("--stdin", action="store_true", help="read the password from the first line of stdin")
    hash_password.set_defaults(run=_hash_password)

    authority = commands.add_parser(
        "authority", help="set which authority the dashboard belongs to (name, new ONS code or old three-digit code)")
    authority.add_argument("name_or_code", metavar="NAME_OR_CODE")
    authority.add_argument("--db", help=db_help)
    authority.set_defaults(run=_authority)

    rebase = commands.add_parser("rebase", help="start an indicator's SPC limits again from a month (or --remove that)")
    rebase.add_argument("indicator", metavar="INDICATOR", help="a catalogue code, e.g. re_referrals_pct")
    rebase.add_argument("month", metavar="YYYY-MM", help="the first month of the new limits")
    rebase.add_argument("--reason", help="why the limits start again, e.g. \"new front door\" (required)")
    rebase.add_argument("--team", help="one team's series (default: the whole authority)")
    rebase.add_argument("--remove", action="store_true", help="take that month's rebase back")
    rebase.add_argument("--db", help=db_help)
    rebase.set_defaults(run=_rebase)

    pack = commands.add_parser("pack", help="write the board pack (.docx or .pdf) of a period and scope")
    pack.add_argument("out", metavar="OUT.docx|OUT.pdf")
    pack.add_argument("--period", help="latest (default), a month 2024-07 (or Jul-24, 'July 2024'), months "
                                       "2024-06..2024-11, a financial year 2024-25 or a quarter 'Q3 2024-25'")
    pack.add_argument("--service", help="one service area (default: the whole authority)")
    pack.add_argument("--team", help="one team")
    pack.add_argument("--sections", nargs="+", metavar="SECTION",
                      help="overview, system-health, audits, workforce, voice, improvement-plan (default: all)")
    pack.add_argument("--publish", action="store_true",
                      help="for a public website: suppress counts under 5 and the shares built on them")
    pack.add_argument("--since", metavar="YYYY-MM-DD",
                      help="the last pack's date: the improvement plan's changes are counted from it "
                           "(default: the same day a month ago)")
    pack.add_argument("--db", help=db_help)
    pack.set_defaults(run=_pack)

    backup = commands.add_parser(
        "backup", help="copy the database, while the app serves and loads run, into a file named by the time")
    backup.add_argument("dir", nargs="?", metavar="DIR", help="the folder (default: backups/ beside the database)")
    backup.add_argument("--keep", metavar="N", help="then remove the oldest backups in DIR beyond the newest N")
    backup.add_argument("--db", help=db_help)
    backup.set_defaults(run=_backup)

    restore = commands.add_parser(
        "restore", help="put a backup in the database's place, keeping the current database as a backup first")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="restore without asking (for scripts)")
    restore.add_argument("--db", help=db_help)
    restore.set_defaults(run=_restore)
    return main


class _ForTerminal:
    """A stream whose every write passes through `plain_text.for_terminal`: a cell, a sheet's name
    or a file's name quoted in a message can carry escape sequences, and the terminal would act on
    them (recolour, retitle, rewrite the screen). `main` puts one over stdout and stderr, so every
    line the command line prints, argparse's own included, is cleaned in this one place."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(plain_text.for_terminal(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextmanager
def _terminal_safe_output():
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _ForTerminal(stdout), _ForTerminal(stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def main(argv: list[str] | None = None) -> int:
    with _terminal_safe_output():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    args, unknown = parser().parse_known_args(argv)
    if unknown and args.command == "pack":  # a scheduled run reads the exit code: 1, as for no data
        print(f"error: unknown option {' '.join(unknown)}; see python -m qa_dashboard pack --help", file=sys.stderr)
        return 1
    if unknown:
        parser().parse_args(argv)  # exits with argparse's own message, as before
    try:
        return args.run(args)
    except store.DatabaseUnavailable as trouble:  # damaged, read-only, full disk or busy: one sentence
        print(f"error: {trouble}", file=sys.stderr)
        return 1
