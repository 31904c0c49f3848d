"""Form fields shared by the workspace screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LinesField(forms.CharField):
    """A list of texts edited as one text per line (blank lines and duplicates dropped)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One per line."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        lines = [str(v) for v in value] if isinstance(value, list | tuple) else str(value or "").splitlines()
        result: list[str] = []
        for line in lines:
            text = line.strip()
            if text and text not in result:
                result.append(text)
        return result
