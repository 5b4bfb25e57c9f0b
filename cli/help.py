"""`--help` in the interface's language: every command's help, every option's, and click's own words (Usage,
Options, [required] …) through the message catalogues, like every other message of the CLI.

The help texts are written in English where the commands are (docstrings, `help=`, the event types'
declarations); Babel's extractor (`ledger.model.i18n_extract`) finds them, and `speak` sets them in the language
chosen before click formats anything (the English kept, to go back).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import click

from ledger.app import N_, _, language, translated_help

CLICK_WORDS = (N_("Usage:"), N_("Options"), N_("Commands"), N_("Arguments"), N_("Show this message and exit."),
               N_("Show the version and exit."), N_("required"), N_("default: {value}"))


class HelpFormatter(click.HelpFormatter):
    """Click's formatter, saying click's own words in the interface's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = _("Usage:")
            prefix += "" if prefix.endswith("：") else " "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{'：' if _('Usage:').endswith('：') else ':'}\n")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_(name)):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _click_words(text)) for term, text in rows], col_max, col_spacing)


_EXTRA = re.compile(r"^(.*?)(\s*)\[((?:default: [^\[\]]*|required)(?:; (?:default: [^\[\]]*|required))*)\]$", re.S)


def _click_words(text: str) -> str:
    """An option's help as click made it: its own text (already in the language), click's help options' texts
    and the `[default: …; required]` click appends, translated."""
    m = _EXTRA.match(text)
    if m is None:
        return _(text) if text in CLICK_WORDS else text
    said = [_("required") if part == "required" else _("default: {value}").format(value=part[len("default: "):])
            for part in m.group(3).split("; ")]
    return f"{_click_words(m.group(1))}{m.group(2)}[{'; '.join(said)}]"


class LedgerContext(click.Context):
    formatter_class = HelpFormatter


def _short(text: str) -> str:
    """A command's line in its group's list: the first sentence of its help, without what it adds in brackets."""
    first = text.split("\n\n")[0].replace("\n", " ")
    first = re.split(r"[。；]", first)[0]
    return re.sub(r"（[^（）]*）", "", first).strip()


def speak(command: click.Command, as_written: bool = False) -> None:
    """Set the help of `command` and all under it in the interface's language (English, or `as_written`: as
    written — what the commands hold between two runs, so that a test reading them in one process sees one text)."""
    english = as_written or language() == "en"
    todo = [command]
    while todo:
        c = todo.pop()
        c.context_class = LedgerContext
        help_en, short_en = c.__dict__.setdefault("_english_help", (c.help, c.short_help))
        if english or not help_en:
            c.help, c.short_help = help_en, short_en
        else:
            c.help = translated_help(help_en)
            c.short_help = _short(c.help)
        for p in c.params:
            written = p.__dict__.setdefault("_english_help", getattr(p, "help", None))
            localise = getattr(p, "localise", None)
            if localise is not None and not as_written:
                p.help = localise()  # type: ignore[attr-defined]
            elif written:
                p.help = written if english else _(written)  # type: ignore[attr-defined]
        if isinstance(c, click.Group):
            todo.extend(c.commands.values())


def language_asked(args: Sequence[str], environ: dict[str, str]) -> str | None:
    """The language the command line (`--lang X`, `--lang=X`, before or after the command) or LEDGER_LANG asks
    for, so that `--help`, which click answers before any other option, is said in it."""
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return environ.get("LEDGER_LANG") or None


# Click's own error sentences, as click 8 words them, and the same in the catalogue (`{…}` what varies).
_CLICK_ERRORS = (
    (re.compile(r"^Missing option (?P<name>.+)\.$", re.S), N_("Missing option {name}.")),
    (re.compile(r"^Missing argument (?P<name>.+)\.$", re.S), N_("Missing argument {name}.")),
    (re.compile(r"^No such command (?P<name>.+)\.$", re.S), N_("No such command {name}.")),
    (re.compile(r"^No such option (?P<name>\S+)\. Did you mean (?P<near>.+)\?$", re.S),
     N_("No such option {name}. Did you mean {near}?")),
    (re.compile(r"^No such option (?P<name>\S+)\.$", re.S), N_("No such option {name}.")),
    (re.compile(r"^Option (?P<name>.+) requires an argument\.$", re.S), N_("Option {name} requires an argument.")),
    (re.compile(r"^Got unexpected extra arguments? \((?P<name>.*)\)$", re.S), N_("Got unexpected extra argument ({name})")),
    (re.compile(r"^Invalid value for (?P<name>.+?): (?P<message>.*)$", re.S), N_("Invalid value for {name}: {message}")),
)


def click_error_said(message: str) -> str:
    """A usage error's sentence in the interface's language: click's own sentences through the catalogue (the
    values they quote kept), the ledger's own (already translated where they were made) as they are."""
    for pattern, said in _CLICK_ERRORS:
        m = pattern.match(message)
        if m is not None:
            return _(said).format(**m.groupdict())
    return message


def show_in_language(error: click.ClickException, file: object = None) -> None:
    """Show a usage error as click does — the usage line, the hint, `Error: …` — in the interface's language."""
    if isinstance(error, click.UsageError) and error.ctx is not None:
        hint = ""
        if error.ctx.command.get_help_option(error.ctx) is not None:
            names = error.ctx.command.get_help_option_names(error.ctx)
            hint = _("Try '{command} {option}' for help.").format(command=error.ctx.command_path,
                                                                  option=max(names, key=len)) + "\n"
        click.echo(f"{error.ctx.get_usage()}\n{hint}", err=True, color=error.ctx.color)
    click.echo(_("Error: {error}").format(error=click_error_said(error.format_message())), err=True)
