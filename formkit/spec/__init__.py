"""Form definitions: dataclasses and the YAML loader (form_templates/*.yaml)."""

from formkit.spec.loader import load_form, load_forms, template_path
from formkit.spec.model import (
    Box,
    Column,
    Element,
    Field,
    FieldKind,
    FormSpec,
    Option,
)

__all__ = [
    "Box", "Column", "Element", "Field", "FieldKind", "FormSpec", "Option",
    "load_form", "load_forms", "template_path",
]
