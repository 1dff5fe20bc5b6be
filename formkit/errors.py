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

from formkit.catalogue import Message, render, say


class FormkitError(Exception):
    """`message` is a `catalogue.Message` (code + parameters), or plain text while a raise
    site has not been given its code yet. `hint_code` names the catalogue's what-to-do line."""

    exit_code = 1
    hint_code: str = "hint.internal"

    def __init__(self, message: Message | str, hint: Message | str | None = None):
        self.msg: Message = message if isinstance(message, Message) else say("text",
                                                                             text=message)
        self.hint_msg: Message | None = (
            (hint if isinstance(hint, Message) else say("text", text=hint)) if hint
            else (say(self.hint_code) if hint is None and self.hint_code else None))
        super().__init__(self.msg.en())

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def message(self) -> str:
        """What happened, in Vietnamese."""
        return self.msg.vi()

    @property
    def hint(self) -> str:
        """What to do, in Vietnamese ("" when the message says it already)."""
        return self.hint_msg.vi() if self.hint_msg else ""

    def text(self, lang: str = "vi") -> str:
        """Message and hint as one text for a person (vi) or a script (en)."""
        body = render(self.msg, lang)
        tail = render(self.hint_msg, lang) if self.hint_msg else ""
        return f"{body}\n→ {tail}" if tail else body

    def __reduce__(self):
        # a worker process's error reaches the parent with its code, not as plain text
        return (type(self), (self.msg, self.hint_msg or ""))

    def to_json(self) -> dict:
        return {"code": self.code, "params": dict(self.msg.params), "exit_code": self.exit_code,
                "vi": self.text("vi"), "en": self.text("en")}

    def __str__(self) -> str:
        return self.text("vi")


class ConfigError(FormkitError):
    exit_code = 3
    hint_code = "hint.config"


class TemplateError(FormkitError):
    exit_code = 4
    hint_code = "hint.template"


class InputError(FormkitError):
    exit_code = 5
    hint_code = "hint.input"


class ExternalProgramError(FormkitError):
    exit_code = 6
    hint_code = "hint.external"


class OutputError(FormkitError):
    exit_code = 7
    hint_code = "hint.output"


class StoreError(FormkitError):
    exit_code = 8
    hint_code = "hint.store"


class RefusedError(FormkitError):
    exit_code = 9
    hint_code = ""


class BatchIncomplete(FormkitError):
    """Raised by the CLI, not the API, when a batch has rejected pages or review items."""

    exit_code = 10
    hint_code = "hint.batch_incomplete"
