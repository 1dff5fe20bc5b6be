"""The office's web app (`formkit serve`): a server-rendered Flask app in Vietnamese over
the same functions as the command line (formkit.api, store, export, archive).

    from formkit.web import create_app
    app = create_app(load_settings(workspace))
"""

from formkit.web.app import create_app

__all__ = ["create_app"]
