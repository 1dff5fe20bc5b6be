"""One exception class per failure kind. Each carries an exit code and a message that says
what happened and what to do. The CLI prints the message and exits with the code.

Exit codes (also in the README):
  0  success
  1  unexpected internal error (a bug: please report it with the traceback)
  2  command-line usage error
  3  configuration error (formkit.toml)
  4  form template error (form_templates/*.yaml)
  5  input error (unreadable, wrong or corrupt input file)
  6  external program missing or failed (LibreOffice, Tesseract)
  7  output cannot be written
  8  database error (locked, newer schema, corrupt)
  9  refused: the action is not allowed now (e.g. disposal before the retention date)
 10  batch finished but some pages were rejected or need review
"""

from __future__ import annotations


class FormkitError(Exception):
    exit_code = 1
    #: a short hint telling the user what to do; appended to the message
    hint: str = ""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n→ {self.hint}"
        return self.message


class ConfigError(FormkitError):
    exit_code = 3
    hint = "Fix formkit.toml (or run `formkit init --force` to write a fresh one)."


class TemplateError(FormkitError):
    exit_code = 4
    hint = "Fix the form template named above; field ids and labels are listed in the README."


class InputError(FormkitError):
    exit_code = 5
    hint = "Check the file: it may be damaged, of another kind, or not a formkit form."


class ExternalProgramError(FormkitError):
    exit_code = 6
    hint = "Run `make setup` (it installs LibreOffice and Tesseract), then try again."


class OutputError(FormkitError):
    exit_code = 7
    hint = "Choose a folder you can write to, or free some disk space."


class StoreError(FormkitError):
    exit_code = 8
    hint = "Close other programs using the database and try again."


class RefusedError(FormkitError):
    exit_code = 9
    hint = ""


class BatchIncomplete(FormkitError):
    """Raised by the CLI, not the API, when a batch has rejected pages or review items."""

    exit_code = 10
    hint = "See the batch report for each page's reason."
