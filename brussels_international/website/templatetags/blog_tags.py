"""Template tags of the blog: a person's latest posts on their directory page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def person_blog_posts(person: Any) -> list[Any]:
    """The latest live posts (at most 5) written by *person* in the active language, newest first."""
    from ..blog import person_posts

    return person_posts(person)
