"""A LanguageTool server the user runs, through language-tool-python (``/v2/check``)."""

from __future__ import annotations

from typing import Any

from cleanup.engines import Issue
from cleanup.errors import CleanupError


class LanguageToolEngine:
    name = "languagetool"
    safe_rules = frozenset({"ENGLISH_WORD_REPEAT_RULE", "IT_IS", "IT_S_ITS", "ITS_TO_IT_S", "THEIR_IS", "WORD_REPEAT_RULE", "COULD_OF"})
    quiet_categories = frozenset({"TYPOS", "STYLE", "TYPOGRAPHY", "REDUNDANCY", "CASING", "MISC"})
    quiet_rules: frozenset[str] = frozenset()

    def __init__(self, url: str) -> None:
        import language_tool_python

        self.url = url.rstrip("/")
        try:
            self._tool: Any = language_tool_python.LanguageTool("en-US", remote_server=self.url)
        except Exception as exc:
            raise CleanupError(None, f"LanguageTool server at {self.url} is not reachable: {exc}") from None

    def check(self, text: str) -> list[Issue]:
        try:
            matches = self._tool.check(text)
        except Exception as exc:
            raise CleanupError(None, f"LanguageTool server at {self.url} failed: {exc}") from None
        out = []
        for m in matches:
            offset = int(m.offset)
            length = int(getattr(m, "error_length", getattr(m, "errorLength", 0)))
            rule = str(getattr(m, "rule_id", getattr(m, "ruleId", "")))
            category = str(getattr(m, "category", ""))
            out.append(Issue(offset, offset + length, rule, category, str(m.message), tuple(m.replacements[:5])))
        return out
