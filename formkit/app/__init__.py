"""The application layer: every verb of formkit once, one module per area (forms, intake,
review, register, evaluation, archive, accounts). A verb takes the Settings, the `actor`
(who does it, kept in the audit log) and plain arguments; it opens and closes its own store
session and returns plain results. The command line (formkit.cli, formkit.cli_parts) and the
web app (formkit.web) only parse input, call a verb and present the result."""
